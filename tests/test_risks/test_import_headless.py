"""Data in a column with no heading is not imported, and said so with its sheet, rows and
column letter (issue 17, finding 13: the register importer dropped it without a word)."""

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl.utils import get_column_letter

from risks.importers import import_register
from risks.models import CorporatePriority, Risk
from tests.test_risks.test_import import HEADER, ROW, workbook

# Column D has no heading; the header ends at column S, and column T is past it.
WITH_A_GAP = [*HEADER[:3], None, *HEADER[3:]]
PAST_THE_END = get_column_letter(len(WITH_A_GAP) + 1)


def row(ref, gap="", past=""):
    return [ref, *ROW[1:3], gap, *ROW[3:], past]


def register_book(*rows):
    return workbook(*rows, title_rows=False, header=WITH_A_GAP)


def test_data_under_no_heading_is_reported_with_its_sheet_row_and_column(register):
    content = register_book(
        row("R1", gap="High"), row("R2"), row("R3", gap="Low", past="see note"))  # fmt: skip

    outcome = import_register(register, content, "r.xlsx")

    assert [(w.sheet, w.row, w.message) for w in outcome.warnings] == [
        ("Register", 2, "Column D has no heading, so what it holds was not imported (rows 2, "
                        "4). Give it a heading this import knows, or move what it holds into a "
                        "column that has one."),
        ("Register", 4, f"Column {PAST_THE_END} has no heading, so what it holds was not "
                        "imported (row 4). Give it a heading this import knows, or move what "
                        "it holds into a column that has one."),
    ]  # fmt: skip
    assert outcome.created == 3 and not outcome.errors  # the rows themselves are imported


def test_the_preview_shows_it_before_anything_is_imported(client_for, register, alice):
    CorporatePriority.objects.create(name="Dacorum Delivers")
    upload = SimpleUploadedFile("r.xlsx", register_book(row("R1", gap="High")))
    page = client_for(alice).post(f"/risks/{register.slug}/import/", {"file": upload}, follow=True)
    assert (
        '<tr class="table-warning"><td>Warning</td><td>Register</td><td>2</td><td></td>'
        "<td>Column D has no heading, so what it holds was not imported (row 2)."
    ) in page.content.decode()
    assert not Risk.objects.exists()


def test_a_long_column_names_its_first_rows_and_counts_the_rest(register):
    content = register_book(*(row(f"R{n}", gap="x") for n in range(1, 14)))
    (warning,) = import_register(register, content, "r.xlsx").warnings
    assert "(rows 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 and 3 more)" in warning.message

"""How the register importer reads each cell: one column per field, sign-off words read
exactly, refs that must work in a URL, names too long for their list, an owner name that
matches two people, a status it does not know."""

import io

import pytest

from risks.importers import import_register
from risks.models import Risk
from tests.factories import UserFactory
from tests.test_risks.test_import import HEADER, ROW, workbook


def test_two_columns_for_one_field_are_an_error(register):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append([*HEADER, "Description"])
    book.active.append([*ROW, "another description"])
    out = io.BytesIO()
    book.save(out)
    outcome = import_register(register, out.getvalue(), "r.xlsx")
    assert outcome.errors[0].message == "More than one column for: title; keep one of each."
    assert not Risk.objects.exists()


@pytest.mark.parametrize(
    "text, signed",
    [
        ("Sign Off Complete", True),
        ("Sign off incomplete", False),
        ("Not complete", False),
        ("Yes", True),
    ],
)
def test_sign_off_is_read_exactly(register, text, signed):
    row = list(ROW)
    row[16], row[17] = text, "Comment"
    import_register(register, workbook(row), "r.xlsx")
    assert Risk.objects.get().reviews.get().signed_off is signed


@pytest.mark.parametrize("ref", ["A/B", "pdf", "import", "has space", "x" * 41])
def test_refs_that_cannot_be_urls_are_refused(register, ref):
    row = list(ROW)
    row[0] = ref
    outcome = import_register(register, workbook(row), "r.xlsx")
    assert len(outcome.errors) == 1 and not Risk.objects.exists()


def test_over_long_list_names_are_row_errors_and_cut_names_are_warned(register):
    row = list(ROW)
    row[2] = "C" * 81
    assert "longer than 80" in import_register(register, workbook(row), "r.xlsx").errors[0].message
    row = list(ROW)
    row[5] = "P" * 151
    outcome = import_register(register, workbook(row), "r.xlsx")
    assert outcome.warnings[0].message == "The portfolio holder was cut to 150 characters."


def test_an_ambiguous_owner_name_is_kept_as_a_name(register):
    for username in ("rs1", "rs2"):
        UserFactory(username=username, first_name="Robert", last_name="Smyth")
    outcome = import_register(register, workbook(ROW), "r.xlsx")
    assert "More than one user is called 'Robert Smyth'" in outcome.warnings[0].message
    assert (Risk.objects.get().owner, Risk.objects.get().owner_name) == (None, "Robert Smyth")


def test_an_unknown_status_is_warned(register):
    header = [*HEADER, "Status"]
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(header)
    book.active.append([*ROW, "Archived"])
    out = io.BytesIO()
    book.save(out)
    outcome = import_register(register, out.getvalue(), "r.xlsx")
    assert "Status 'Archived' is not Open or Closed" in outcome.warnings[0].message

import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from projects.spreadsheets import MAX_UNCOMPRESSED_BYTES
from risks.importers import import_register
from risks.models import CorporatePriority, Risk, RiskRegister, RiskReview
from tests.factories import UserFactory
from tests.imports import token_of, upload
from tests.test_risks.conftest import SAMPLE

HEADER = [
    "Ref",
    "Risk",
    "Category",
    "Corporate Priority",
    "Risk Owner",
    "Portfolio Holder",
    "Tolerance",
    "Inherent Probability",
    "Inherent Impact",
    "Inherent Risk Score",
    "Residual Probability",
    "Residual Impact",
    "Residual Risk Score",
    "Consequences",
    "Current Controls",
    "Assurance",
    "Sign Off",
    "Comments",
]
ROW = [
    "R1",
    "A risk",
    "Reputational",
    "Dacorum Delivers",
    "Robert Smyth",
    "Neil Harden",
    "Treating",
    "3 Likely",
    "4 Severe",
    "12 Red",
    "2 Unlikely",
    "4 Severe",
    "8 Amber",
    "C",
    "Ctl",
    "A",
    "",
    "",
]


def workbook(*rows, title_rows=True, header=HEADER):
    book = Workbook()
    sheet = book.active
    sheet.title = "Register"
    if title_rows:
        sheet.append(["OPERATIONAL RISK REGISTER"])
        sheet.append([])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def snapshot():
    return list(Risk.objects.order_by("pk").values()) + list(RiskReview.objects.values())


OWNER_DIFFERS = (
    "The title names 'Robert Smyth' as the register's owner; its owner in Highlight, "
    "Alice Archer, is kept."
)


def test_sample_imports_with_its_scores_and_no_warnings(register):
    outcome = import_register(register, SAMPLE.read_bytes(), SAMPLE.name)
    assert (outcome.created, outcome.rows, outcome.errors) == (2, 2, [])
    # The only warning: the sheet's title names another owner than the register's here.
    assert [w.message for w in outcome.warnings] == [OWNER_DIFFERS]
    sample_register = register
    risks = {r.ref: r for r in sample_register.risks.all()}
    assert set(risks) == {"PP_R011", "PP_R012"}
    r011 = risks["PP_R011"]
    assert (r011.inherent_probability, r011.inherent_impact) == (3, 4)
    assert (r011.residual_probability, r011.residual_impact) == (2, 4)
    assert r011.treatment == "treat" and r011.category.name == "Reputational"
    assert r011.corporate_priority.name == "Dacorum Delivers"
    assert (r011.owner_name, r011.portfolio_holder) == ("Robert Smyth", "Neil Harden")
    assert r011.consequences.startswith("86% of adults use the internet regularly")
    assert "\n- Project 1: website re-design\n- Project 2" in r011.controls
    review = r011.reviews.get()
    assert review.signed_off and review.comment.startswith("We are continuing to make good")


def test_a_second_import_changes_nothing(sample_register):
    before = snapshot()
    outcome = import_register(sample_register, SAMPLE.read_bytes(), SAMPLE.name)
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 0, 2)
    assert [w.message for w in outcome.warnings] == [OWNER_DIFFERS] and outcome.errors == []
    assert snapshot() == before


def test_owner_with_an_account_is_linked(register):
    robert = UserFactory(username="rs", first_name="Robert", last_name="Smyth")
    import_register(register, workbook(ROW), "r.xlsx")
    assert Risk.objects.get(ref="R1").owner == robert


def test_mismatched_stated_score_and_band_are_reported(register):
    row = list(ROW)
    row[12] = "8 Red"  # the matrix gives 2 × 4 = 8 Amber
    outcome = import_register(register, workbook(row), "r.xlsx")
    assert [(w.sheet, w.row, w.ref) for w in outcome.warnings] == [("Register", 4, "R1")]
    assert "stated as '8 Red', but the matrix gives 8 Amber" in outcome.warnings[0].message
    assert Risk.objects.get(ref="R1").residual_impact == 4  # imported, with the matrix's score


@pytest.mark.parametrize(
    "change, message",
    [
        ({0: ""}, "No ref"),
        ({7: "3 Probable"}, "Inherent probability '3 Probable': on this matrix 3 is 'Likely'"),
        ({8: "9 Severe"}, "Inherent impact '9 Severe' is not between 1 and 4"),
        ({10: "Sometimes"}, "Residual probability 'Sometimes' is not a level of this matrix"),
        ({6: "Ignore it"}, "Treatment 'Ignore it' is not Treat, Tolerate"),
        ({1: ""}, "No risk description"),
    ],
)
def test_bad_rows_are_reported_with_sheet_and_row_and_nothing_changes(register, change, message):
    import_register(register, workbook(ROW), "r.xlsx")
    before = snapshot()
    bad = list(ROW)
    bad[0] = "R2"
    for index, value in change.items():
        bad[index] = value
    outcome = import_register(register, workbook(ROW, bad), "r.xlsx")
    assert len(outcome.errors) == 1
    assert (outcome.errors[0].sheet, outcome.errors[0].row) == ("Register", 5)
    assert message in outcome.errors[0].message
    assert snapshot() == before


def test_duplicate_refs_are_reported(register):
    outcome = import_register(register, workbook(ROW, ROW), "r.xlsx")
    assert outcome.errors[0].message == "Duplicate ref: also on Register row 4."
    assert not Risk.objects.exists()


def test_unknown_columns_are_reported_not_dropped_silently(register):
    book = Workbook()
    book.active.append([*HEADER, "Colour of the moon"])
    book.active.append([*ROW, "blue"])
    out = io.BytesIO()
    book.save(out)
    outcome = import_register(register, out.getvalue(), "r.xlsx")
    assert (
        outcome.warnings[0].message
        == "Column 'Colour of the moon' is not recognised and was not imported."
    )


def test_csv_in_the_same_layout(register):
    text = ",".join(HEADER) + "\n" + ",".join(f'"{v}"' for v in ROW) + "\n"
    outcome = import_register(register, text.encode(), "register.csv")
    assert outcome.created == 1 and Risk.objects.get().residual_probability == 2


@pytest.mark.parametrize(
    "content, name, message",
    [
        (b"%PDF-1.7 not a register", "r.xlsx", "not a spreadsheet"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "r.xlsx", "encrypted"),
        (b"PK\x03\x04 truncated zip", "r.xlsx", "damaged or not an .xlsx"),
    ],
)
def test_files_that_are_not_registers_fail_cleanly(register, tmp_path, content, name, message):
    import_register(register, workbook(ROW), "r.xlsx")
    before = snapshot()
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("import_risks", str(path), "--register", register.name)
    assert snapshot() == before


def test_a_zip_bomb_is_refused_before_it_is_unpacked(register, tmp_path):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (MAX_UNCOMPRESSED_BYTES + 1))
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(out.getvalue())
    assert path.stat().st_size < 1_000_000
    with pytest.raises(CommandError, match="unpacks to more than"):
        call_command("import_risks", str(path), "--register", register.name)
    assert not Risk.objects.exists()


def test_command_creates_the_register_and_prints_json(db, pam, tmp_path, capsys):
    call_command("import_risks", str(SAMPLE), "--register", "Ops", "--matrix", "4x4", "--json")
    result = json.loads(capsys.readouterr().out)
    assert {k: result[k] for k in ("created", "updated", "unchanged", "rows")} == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "rows": 2,
    }
    assert [w["message"] for w in result["warnings"]] == [
        "The title is for the register 'Performance and Projects' (owner 'Robert Smyth'); it "
        "was imported into 'Ops'."
    ]
    assert result["errors"] == []
    register = RiskRegister.objects.get(name="Ops")
    assert register.matrix.name == "4x4" and register.owner == pam
    assert CorporatePriority.objects.filter(name="Dacorum Delivers").exists()


def test_dry_run_and_errors_leave_no_register_behind(db, pam, tmp_path):
    call_command("import_risks", str(SAMPLE), "--register", "Trial", "--matrix", "4x4", "--dry-run")
    assert not RiskRegister.objects.exists() and not Risk.objects.exists()
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(workbook(["", "no ref"] + ROW[2:]))
    with pytest.raises(CommandError, match="1 error"):
        call_command("import_risks", str(bad), "--register", "Trial")
    assert not RiskRegister.objects.exists()


def test_export_round_trips_and_keeps_text_inert(client_for, sample_register, alice):
    risk = sample_register.risks.get(ref="PP_R012")
    risk.title = '=HYPERLINK("http://evil","click")'
    risk.save()
    response = client_for(alice).get(f"/risks/{sample_register.slug}/export.xlsx")
    assert response.status_code == 200
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[3][:3] == ("Ref", "Risk", "Category")
    r012 = next(r for r in rows if r[0] == "PP_R012")
    assert r012[1].startswith("'=HYPERLINK")
    assert next(r for r in rows if r[0] == "PP_R011")[9] == "12 Red"
    before = snapshot()
    outcome = import_register(sample_register, response.content, "export.xlsx")
    assert (outcome.created, outcome.updated, outcome.unchanged) == (0, 0, 2), outcome.changes
    assert outcome.warnings == []
    assert snapshot() == before


def test_upload_page_previews_then_imports_on_confirm(client_for, register, alice):
    # The PMO keeps the list of corporate priorities; the register's owner uses it.
    CorporatePriority.objects.create(name="Dacorum Delivers")
    client = client_for(alice)
    url = f"/risks/{register.slug}/import/"
    preview = upload(client, url, "sample.xlsx", SAMPLE.read_bytes())
    page = preview.content.decode()
    assert "2 rows read: <strong>2 new</strong>" in page
    assert not Risk.objects.exists()  # nothing written before confirming
    done = client.post(f"{url}confirm/", {"token": token_of(preview)}, follow=True)
    assert "Imported sample.xlsx: 2 created, 0 updated, 0 unchanged." in done.content.decode()
    assert Risk.objects.count() == 2


def test_upload_page_explains_a_bad_file_and_changes_nothing(client_for, register, alice):
    url = f"/risks/{register.slug}/import/"
    response = upload(client_for(alice), url, "notes.xlsx", b"hello, this is not a workbook")
    assert "The file is not a spreadsheet" in response.content.decode()
    assert token_of(response) is None
    assert not Risk.objects.exists()


def test_only_register_managers_import(client_for, register, bob, diana):
    url = f"/risks/{register.slug}/import/"
    assert client_for(bob).get(url).status_code == 404  # may not read this register
    assert client_for(diana).get(url).status_code == 403  # reads it, does not manage it

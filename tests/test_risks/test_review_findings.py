"""Behaviour pinned down after the review of the risk registers."""

import datetime
import io
import re
import zipfile

import pytest
from django.urls import reverse

from risks import registers
from risks.importers import ImportFailed, import_register
from risks.models import Risk, RiskRegister
from tests.test_risks.test_import import HEADER, ROW, snapshot, workbook
from tests.test_risks.test_registers import risk

D = datetime.date


def with_dimension(content, ref):
    """The workbook with its sheet's stated size rewritten (stale or huge)."""
    source, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = re.sub(rb'<dimension ref="[^"]+"', f'<dimension ref="{ref}"'.encode(), data)
            target.writestr(item, data)
    return out.getvalue()


def test_a_stale_sheet_size_does_not_hide_rows(register):
    second = list(ROW)
    second[0] = "R2"
    content = with_dimension(workbook(ROW, second), "A1:F2")
    assert import_register(register, content, "r.xlsx").created == 2


def test_a_huge_stated_sheet_size_costs_nothing(register):
    content = with_dimension(workbook(ROW), "A1:XFD2000")
    assert import_register(register, content, "r.xlsx").created == 1


def test_a_csv_with_a_giant_cell_is_refused_cleanly(register):
    text = ",".join(HEADER) + "\n" + "R1," + '"' + "x" * 200_000 + '"\n'
    with pytest.raises(ImportFailed, match="The CSV file cannot be read"):
        import_register(register, text.encode(), "big.csv")


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


def test_an_ambiguous_owner_name_is_kept_as_a_name(register, django_user_model):
    for username in ("rs1", "rs2"):
        django_user_model.objects.create(username=username, first_name="Robert", last_name="Smyth")
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


def test_register_names_excel_and_urls_dislike_still_work(client_for, matrix_4x4, pam):
    odd = RiskRegister.objects.create(name="Finance: IT [2024/25]?", matrix=matrix_4x4, owner=pam)
    twin = RiskRegister.objects.create(name="Finance IT 2024 25", matrix=matrix_4x4, owner=pam)
    new = RiskRegister.objects.create(name="New", matrix=matrix_4x4, owner=pam)
    assert odd.slug != twin.slug and new.slug == "new-register"
    response = client_for(pam).get(reverse("risks:register-export", args=[odd.slug]))
    assert response.status_code == 200
    assert client_for(pam).get(new.get_absolute_url()).status_code == 200


def test_closed_risks_are_not_outside_appetite(register):
    risk(register, "SHUT", residual=(4, 4), status="closed")
    rows = registers.rows(registers.with_scores(register.risks.all()), register.matrix)
    assert [row.outside_appetite for row in rows] == [False]


def test_a_review_from_a_stale_form_is_refused(client_for, register, alice, bob):
    subject = risk(register, "R", owner=bob, residual=(2, 4))
    url = reverse("risks:risk-review", args=[register.slug, "R"])
    form = {
        "version": subject.version,
        "reviewed_on": "2024-03-01",
        "next_review_date": "2024-04-01",
        "comment": "Fine",
        "inherent_probability": 3,
        "inherent_impact": 4,
        "residual_probability": 2,
        "residual_impact": 4,
    }
    registers.record_review(
        subject,
        alice,
        D(2024, 2, 1),
        "Worse",
        True,
        D(2024, 3, 1),
        residual_probability=4,
        residual_impact=4,
    )
    response = client_for(bob).post(url, form)
    assert response.status_code == 409
    assert Risk.objects.get(pk=subject.pk).residual_probability == 4


def test_a_back_dated_review_does_not_replace_todays_scores(register, alice):
    subject = risk(register, "R", residual=(2, 4))
    registers.record_review(
        subject,
        alice,
        D(2024, 3, 1),
        "Now",
        True,
        D(2024, 4, 1),
        residual_probability=3,
        residual_impact=4,
    )
    registers.record_review(
        subject,
        alice,
        D(2024, 1, 1),
        "Earlier, entered late",
        True,
        D(2024, 2, 1),
        residual_probability=1,
        residual_impact=1,
    )
    subject.refresh_from_db()
    assert (subject.residual_probability, subject.next_review_date) == (3, D(2024, 4, 1))
    assert subject.reviews.count() == 2


def test_a_risk_owner_cannot_hand_their_risk_to_someone_else(client_for, register, bob, charlie):
    risk(register, "MINE", owner=bob)
    url = reverse("risks:risk-edit", args=[register.slug, "MINE"])
    response = client_for(bob).post(
        url,
        {
            "version": 1,
            "title": "Edited",
            "ref": "RENAMED",
            "owner": charlie.pk,
            "treatment": "treat",
            "status": "open",
            "inherent_probability": 3,
            "inherent_impact": 4,
            "residual_probability": 2,
            "residual_impact": 4,
        },
    )
    assert response.status_code == 302
    mine = Risk.objects.get(title="Edited")
    assert (mine.ref, mine.owner) == ("MINE", bob)


def test_a_new_preview_discards_the_last_unconfirmed_upload(
    client_for, register, alice, media_root
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.test_risks.conftest import SAMPLE

    client = client_for(alice)
    for _ in range(3):
        client.post(
            f"/risks/{register.slug}/import/",
            {"file": SimpleUploadedFile("s.xlsx", SAMPLE.read_bytes())},
        )
    assert len(list((media_root / "imports").iterdir())) == 1
    assert snapshot() == []

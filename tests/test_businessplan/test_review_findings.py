"""Behaviour pinned down after the review of business plans."""

import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import Workbook

from businessplan.exports import plan_workbook
from businessplan.importers import import_plan
from businessplan.models import Activity, BusinessPlan, OwnerRole
from projects.spreadsheets import MAX_UNCOMPRESSED_BYTES
from reports.models import Document
from reports.services import request_document
from reports.tasks import render_document
from tests.test_businessplan.test_plans import SAMPLE, state

HEADER = [
    "No",
    "Activity",
    "Type",
    "Frequency",
    "Start",
    "End",
    "Strategic Aim",
    None,
    None,
    None,
    None,
    "Priority",
    "LT owner",
    "Measure",
    "Status",
    "Comment/ update",
]


def book(*sheets):
    wb = Workbook()
    wb.remove(wb.active)
    for name, rows in sheets:
        sheet = wb.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def row(ref, **changes):
    values = [
        ref,
        f"Activity {ref}",
        "BAU",
        "Monthly",
        "01/04/2019",
        "31/03/2020",
        "X",
        None,
        None,
        None,
        None,
        "H",
        "Dir - CS",
        "M",
        "On target",
        "C",
    ]
    for index, value in changes.items():
        values[int(index[1:])] = value
    return values


def test_a_pdf_made_from_a_draft_plan_stays_private_once_published(
    client_for, plan, imported, diana, olive
):
    plan.status = BusinessPlan.Status.DRAFT
    plan.save()
    draft = request_document("business_plan", {"plan": "2019-20"}, diana)
    render_document.delay(draft.pk)
    Activity.objects.filter(ref="1").update(title="Edited after the draft PDF")
    plan.status = BusinessPlan.Status.PUBLISHED
    plan.save()
    client = client_for(olive)
    assert client.get(reverse("reports:document-download", args=[draft.pk])).status_code == 404
    assert f"/documents/{draft.pk}/" not in client.get(plan.get_absolute_url()).content.decode()
    published = request_document("business_plan", {"plan": "2019-20"}, olive)
    render_document.delay(published.pk)
    assert client.get(reverse("reports:document-download", args=[published.pk])).status_code == 200


def test_only_directors_and_the_pmo_get_the_internal_pdf(client_for, plan, imported, olive, diana):
    with pytest.raises(PermissionDenied):
        request_document("business_plan", {"plan": "2019-20", "internal": True}, olive)
    internal = request_document("business_plan", {"plan": "2019-20", "internal": True}, diana)
    render_document.delay(internal.pk)
    assert internal.params["internal"] is True
    client_for(olive).post(reverse("businessplan:plan-pdf", args=["2019-20"]), {"internal": "1"})
    assert not Document.objects.filter(params__internal=True).exclude(pk=internal.pk).exists()
    page = client_for(olive).get(plan.get_absolute_url()).content.decode()
    assert f"/documents/{internal.pk}/" not in page


def test_re_importing_a_published_export_keeps_internal_links(plan, imported):
    before = state()
    outcome = import_plan(plan, plan_workbook(plan, internal=False), "published.xlsx")
    assert (outcome.updated, outcome.unchanged) == (0, 33)
    assert state() == before


def test_a_data_row_with_a_dropdown_left_on_select_is_imported_and_warned(plan):
    outcome = import_plan(
        plan,
        book(("Team", [HEADER, [None] * 6 + [1, 2, 3, 4, 5], row("1", c11="select")])),
        "t.xlsx",
    )
    assert outcome.created == 1
    assert "Priority 'select' is not S, S/H, H, M or L" in outcome.warnings[0].message


def test_a_sheet_without_a_header_is_reported(plan):
    outcome = import_plan(
        plan, book(("Team", [HEADER, row("1")]), ("Notes", [["Some", "notes"], ["more"]])), "t.xlsx"
    )
    assert outcome.created == 1
    assert [(w.sheet, w.message) for w in outcome.warnings] == [
        ("Notes", "No header row (No | Activity | …) on this sheet: its 2 rows were not imported.")
    ]


def test_repeated_blocks_merged_heading_ticks_and_odd_marks(plan):
    second_header = list(HEADER)
    second_header[1] = "2019-20 Additions Activity"
    rows = [
        HEADER,
        [None] * 6 + [1, 2, 3, 4, 5],
        row("1", c7="✓"),
        [],
        second_header,
        row("A1", c6="x", c8="?"),
    ]  # no numbers row: aims by position
    outcome = import_plan(plan, book(("Team", rows)), "t.xlsx")
    assert outcome.created == 2
    first, added = Activity.objects.get(ref="1"), Activity.objects.get(ref="A1")
    assert sorted(a.number for a in first.aims.all()) == [1, 2]
    assert added.origin == "in_year" and [a.number for a in added.aims.all()] == [1]
    assert "Strategic aim 3: '?' is not a mark (X); not counted." in [
        w.message for w in outcome.warnings
    ]


def test_sheets_whose_names_share_a_slug_both_import(plan):
    outcome = import_plan(
        plan, book(("C&I", [HEADER, row("1")]), ("C and I", [HEADER, row("1")])), "t.xlsx"
    )
    assert outcome.created == 2
    assert sorted(plan.sections.values_list("slug", flat=True)) == ["c-and-i", "c-and-i-2"]


def test_a_year_that_is_not_a_year_is_refused(db, tmp_path):
    with pytest.raises(CommandError, match="Write the year as 2019-20"):
        call_command("import_business_plan", str(SAMPLE), "--plan", "P", "--year", "2019/20")
    assert not BusinessPlan.objects.exists()


def test_a_stale_update_can_be_saved_again_after_reading_the_latest(
    client_for, plan, imported, alice
):
    OwnerRole.objects.get(name="Dir - C&I").users.add(alice)
    activity = Activity.objects.get(section__name="C&I", ref="1")
    url = reverse("businessplan:activity-update", args=["2019-20", activity.section.slug, "1"])
    client = client_for(alice)
    first = {"version": activity.version, "quarter": 1, "status": "on_target", "comment": "A"}
    assert client.post(url, first).status_code == 302
    stale = client.post(url, {**first, "quarter": 2, "comment": "B"})
    assert stale.status_code == 409 and "Latest update: <strong>Q1" in stale.content.decode()
    again = client.post(
        url,
        {
            **first,
            "version": stale.context["form"]["version"].value(),
            "quarter": 2,
            "comment": "B",
        },
    )
    assert again.status_code == 302
    assert Activity.objects.get(pk=activity.pk).comment == "B"


def test_changes_and_section_pages_queries_do_not_grow(client_for, plan, imported, diana):
    client = client_for(diana)
    pages = [
        reverse("businessplan:changes", args=["2019-20"]),
        plan.sections.get(name="2018-19 Completions").get_absolute_url(),
    ]

    def counts():
        result = []
        for url in pages:
            client.get(url)
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            result.append(len(queries))
        return result

    before = counts()
    section = plan.sections.get(name="2018-19 Completions")
    owners = OwnerRole.objects.bulk_create(OwnerRole(name=f"Role {i}") for i in range(5))
    Activity.objects.bulk_create(
        Activity(
            section=section,
            ref=f"N{i}",
            title="More",
            order=100 + i,
            origin="carried_forward",
            owner=owners[i % 5],
        )
        for i in range(40)
    )
    assert counts() == before


def test_priority_sorts_in_the_plans_order(client_for, plan, imported, diana):
    url = plan.sections.get(name="C&I").get_absolute_url() + "?sort=priority"
    html = client_for(diana).get(url).content.decode()
    body = html[html.index("<tbody>") :]
    positions = [body.index(label) for label in ("Statutory", "High", "Medium")]
    assert positions == sorted(positions)


def test_confirming_after_records_changed_imports_nothing(client_for, plan, imported, pam):
    client = client_for(pam)
    url = reverse("businessplan:plan-import", args=["2019-20"])
    edited = plan_workbook(plan, internal=True)
    Activity.objects.filter(ref="1").update(comment="Changed meanwhile")
    client.post(url, {"file": SimpleUploadedFile("plan.xlsx", edited)})
    # Someone edits it in Highlight (every edit bumps the version) before the confirm.
    Activity.objects.filter(ref="1").update(
        comment="Changed again after the preview", version=F("version") + 1
    )
    token = client.session["pending_upload"]["token"]
    response = client.post(f"{url}confirm/", {"token": token}, follow=True)
    assert "Records changed since the preview" in response.content.decode()
    assert Activity.objects.get(ref="1").comment == "Changed again after the preview"


def test_a_wrong_token_still_removes_the_kept_file(client_for, plan, pam, media_root):
    client = client_for(pam)
    url = reverse("businessplan:plan-import", args=["2019-20"])
    client.post(url, {"file": SimpleUploadedFile("plan.xlsx", SAMPLE.read_bytes())})
    client.post(f"{url}confirm/", {"token": "not-the-token"})
    assert list((media_root / "imports").iterdir()) == []


def test_a_new_plan_is_not_left_behind_by_a_failed_import(db, tmp_path):
    wb = Workbook()
    wb.active.append(["Just", "cells"])
    path = tmp_path / "plan.xlsx"
    wb.save(path)
    with pytest.raises(CommandError, match="No header row was found"):
        call_command("import_business_plan", str(path), "--plan", "X", "--year", "2020-21")
    assert not BusinessPlan.objects.exists()


def test_a_zip_bomb_plan_is_refused(db, tmp_path):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (MAX_UNCOMPRESSED_BYTES + 1))
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(out.getvalue())
    with pytest.raises(CommandError, match="unpacks to more than"):
        call_command("import_business_plan", str(path), "--plan", "X", "--year", "2020-21")
    assert not BusinessPlan.objects.exists()

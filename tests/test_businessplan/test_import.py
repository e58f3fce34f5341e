"""Importing a business plan workbook: the sample's 33 activities with their values and
warnings, re-imports and round trips that change nothing, values in odd case, files that are
refused, the command and the upload page."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import Workbook

from businessplan.exports import plan_workbook
from businessplan.importers import import_plan
from businessplan.models import Activity
from tests.imports import token_of, upload
from tests.test_businessplan.conftest import HEADER, SAMPLE, state

D = datetime.date


def test_sample_imports_33_activities_with_their_values_and_warnings(plan, imported):
    assert imported.created == 33 and imported.rows == 33
    assert imported.by_section == {"C&I": 18, "2018-19 Completions": 15}
    one = Activity.objects.get(section__name="C&I", ref="1")
    assert (one.kind, one.frequency, one.start_date, one.end_date, one.priority) == (
        "bau",
        "Continuous",
        D(2019, 4, 1),
        D(2020, 3, 31),
        "statutory",
    )
    assert sorted(a.number for a in one.aims.all()) == [1, 2, 3, 4, 5]
    assert one.owner.name == "Dir - C&I" and one.origin == "planned"
    ci7 = Activity.objects.get(ref="CI 7")
    assert (ci7.status, ci7.origin) == ("slippage", "carried_forward")  # "slippage" in the file
    assert Activity.objects.get(ref="CS27").priority == "statutory_high"  # "S/H"
    assert Activity.objects.get(ref="CS21").status == "completed"
    assert Activity.objects.get(section__name="C&I", ref="4").status == "on_target"
    assert Activity.objects.filter(internal_links__gt="").exists()
    warnings = {(w.sheet, w.row, w.ref, w.message) for w in imported.warnings}
    assert warnings == {
        ("C&I", 8, "5", "No start date."),
        ("C&I", 8, "5", "No end date."),
        ("C&I", 14, "11", "The end date 31/12/2010 is before the start date 01/07/2019."),
        (
            "C&I",
            14,
            "11",
            "The end date 31/12/2010 is outside the plan's year (01/04/2019 to 31/03/2020).",
        ),
        (
            "2018-19 Completions",
            5,
            "CI 7",
            "The end date 30/09/2018 is before the start date 01/04/2019.",
        ),
        ("2018-19 Completions", 8, "CI14", "No end date."),
    }


def test_a_second_import_changes_nothing(plan, imported):
    before = state()
    again = import_plan(plan, SAMPLE.read_bytes(), SAMPLE.name)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 33)
    assert state() == before


def test_export_then_import_gives_the_same_data(plan, imported):
    before = state()
    again = import_plan(plan, plan_workbook(plan, internal=True), "export.xlsx")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 33), again.changes
    assert state() == before


def workbook(*rows, header=None):
    book = Workbook()
    sheet = book.active
    sheet.title = "Team"
    sheet.append(header or HEADER)
    sheet.append([None] * 6 + [1, 2, 3, 4, 5])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_odd_case_values_are_normalised(plan):
    row = [
        "7",
        "Something",
        "project",
        "Annual",
        datetime.datetime(2019, 5, 1),
        "31/03/2020",
        "x",
        None,
        "X",
        None,
        None,
        "h",
        "Dir - CS",
        "m",
        "ON TARGET",
        "",
    ]
    outcome = import_plan(plan, workbook(row), "t.xlsx")
    assert outcome.warnings == []
    activity = Activity.objects.get()
    assert (activity.kind, activity.priority, activity.status, activity.start_date) == (
        "project",
        "high",
        "on_target",
        D(2019, 5, 1),
    )
    assert sorted(a.number for a in activity.aims.all()) == [1, 3]


def test_unknown_status_priority_and_missing_owner_are_warned(plan):
    row = [
        "8",
        "Something",
        "BAU",
        "",
        "01/04/2019",
        "31/03/2020",
        "",
        "",
        "",
        "",
        "",
        "urgent",
        "",
        "",
        "Finished-ish",
        "",
    ]
    messages = [w.message for w in import_plan(plan, workbook(row), "t.xlsx").warnings]
    assert "Priority 'urgent' is not S, S/H, H, M or L; left empty." in messages
    assert "Status 'Finished-ish' is not a status of the plan; left empty." in messages
    assert "No owner." in messages


@pytest.mark.parametrize(
    "content, message",
    [
        (b"not a workbook at all", "not a spreadsheet"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "encrypted"),
    ],
)
def test_bad_files_are_refused_and_change_nothing(plan, imported, tmp_path, content, message):
    before = state()
    path = tmp_path / "plan.xlsx"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        call_command("import_business_plan", str(path), "--plan", "X", "--year", "2019-20")
    assert state() == before


def test_a_workbook_without_a_header_row_is_refused(plan, tmp_path):
    book = Workbook()
    book.active.append(["Just", "some", "cells"])
    path = tmp_path / "plan.xlsx"
    book.save(path)
    with pytest.raises(CommandError, match="No header row was found"):
        call_command("import_business_plan", str(path), "--plan", "X", "--year", "2019-20")
    assert not Activity.objects.exists()


def test_command_prints_json(db, capsys):
    import json

    call_command("import_business_plan", str(SAMPLE), "--plan", "P", "--year", "2019-20", "--json")
    result = json.loads(capsys.readouterr().out)
    assert (result["created"], result["rows"], result["by_section"]) == (
        33,
        33,
        {"C&I": 18, "2018-19 Completions": 15},
    )
    assert len(result["warnings"]) == 6 and result["errors"] == []


def test_upload_page_previews_then_imports_on_confirm(client_for, plan, pam):
    client = client_for(pam)
    url = reverse("businessplan:plan-import", args=["2019-20"])
    page = upload(client, url, "plan.xlsx", SAMPLE.read_bytes())
    html = page.content.decode()
    assert "<strong>33 new</strong>" in html and "The end date 31/12/2010 is before" in html
    assert not Activity.objects.exists()
    done = client.post(f"{url}confirm/", {"token": token_of(page)}, follow=True)
    assert "Imported plan.xlsx: 33 created" in done.content.decode()
    assert Activity.objects.count() == 33


def test_only_the_pmo_imports(client_for, plan, diana):
    assert (
        client_for(diana).get(reverse("businessplan:plan-import", args=["2019-20"])).status_code
        == 403
    )

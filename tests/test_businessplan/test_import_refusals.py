"""What the plan import refuses (a year that is not one, a workbook with no header row, a zip
bomb, a wrong confirmation token, records changed since the preview), and that a refusal
changes nothing and leaves nothing behind: no new plan, no kept upload."""

import io
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F
from django.urls import reverse
from openpyxl import Workbook

from businessplan.exports import plan_workbook
from businessplan.models import Activity, BusinessPlan
from projects.spreadsheets import MAX_UNCOMPRESSED_BYTES
from tests.imports import token_of, upload
from tests.test_businessplan.conftest import SAMPLE


def test_a_year_that_is_not_a_year_is_refused(db, tmp_path):
    with pytest.raises(CommandError, match="Write the year as 2019-20"):
        call_command("import_business_plan", str(SAMPLE), "--plan", "P", "--year", "2019/20")
    assert not BusinessPlan.objects.exists()


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


def test_a_wrong_token_still_removes_the_kept_file(client_for, plan, pam, media_root):
    client = client_for(pam)
    url = reverse("businessplan:plan-import", args=["2019-20"])
    upload(client, url, "plan.xlsx", SAMPLE.read_bytes())
    client.post(f"{url}confirm/", {"token": "not-the-token"})
    assert list((media_root / "imports").iterdir()) == []


def test_confirming_after_records_changed_imports_nothing(client_for, plan, imported, pam):
    client = client_for(pam)
    url = reverse("businessplan:plan-import", args=["2019-20"])
    edited = plan_workbook(plan, internal=True)
    Activity.objects.filter(ref="1").update(comment="Changed meanwhile")
    preview = upload(client, url, "plan.xlsx", edited)
    # Someone edits it in Highlight (every edit bumps the version) before the confirm.
    Activity.objects.filter(ref="1").update(
        comment="Changed again after the preview", version=F("version") + 1
    )
    response = client.post(f"{url}confirm/", {"token": token_of(preview)}, follow=True)
    assert "Records changed since the preview" in response.content.decode()
    assert Activity.objects.get(ref="1").comment == "Changed again after the preview"


def test_a_sheet_name_too_long_for_a_section_is_refused_with_nothing_changed(
    client_for, pam, imported
):
    before = list(Activity.objects.order_by("pk").values())
    name = "Customer and Information Services team plan " * 3 + ".csv"
    url = reverse("businessplan:plan-import", args=["2019-20"])
    response = upload(client_for(pam), url, name, b"No,Activity\n1,Answer the phone\n")
    assert token_of(response) is None
    assert "a section&#x27;s name is at most 100" in response.content.decode()
    assert list(Activity.objects.order_by("pk").values()) == before

"""Every list as CSV and as an Excel workbook, for Power BI and Excel (issue 21): the same
rows and values as the JSON, numbers and dates typed, text inert."""

import csv
import datetime
import io
import json
from decimal import Decimal

import openpyxl
import pytest

from projects import workflow
from projects.models import FinanceLine, Milestone, RaidItem
from tests.factories import (
    ActivityFactory,
    ActivityUpdateFactory,
    BusinessPlanFactory,
    DocumentFactory,
    ProgrammeFactory,
    ReportFactory,
    RiskFactory,
    RiskRegisterFactory,
    SectionFactory,
    rate,
)

LISTS = ("programmes", "projects", "rag-ratings", "positions", "reports", "milestones", "money",
         "raid-items", "risk-registers", "risks", "business-plans", "plan-sections",
         "plan-activities", "plan-activity-updates", "documents")  # fmt: skip
HOSTILE = '=HYPERLINK("http://evil.example/","Click")'


@pytest.fixture
def records(project, alice, bob):
    """A project with one of everything, its words hostile where a person types them."""
    project.name = HOSTILE
    project.parent = ProgrammeFactory(code="PROG.1", name="-Culture")
    project.save()
    report = ReportFactory(project=project, period_start=datetime.date(2024, 3, 1),
                           summary="-1 day behind; @risk")  # fmt: skip
    rate(report, Overall="Green")
    workflow.approve(workflow.submit(report, alice), bob)
    Milestone.objects.create(project=project, name="+Contract signed", key=True,
                             baseline=datetime.date(2024, 3, 4),
                             forecast=datetime.date(2024, 3, 18))  # fmt: skip
    FinanceLine.objects.create(project=project, year=2024, kind="capital", budget=100_000_00,
                               spent=20_000_00, forecast=98_500_00)  # fmt: skip
    RaidItem.objects.create(project=project, kind="issue", number=1, title="@SUM(A1:A9)",
                            raised_on=datetime.date(2024, 3, 4))  # fmt: skip
    register = RiskRegisterFactory(name="Library risks", project=project, owner=alice)
    RiskFactory(register=register, ref="LR_1", title="=cmd|' /C calc'!A0", owner=alice)
    activity = ActivityFactory(section=SectionFactory(plan=BusinessPlanFactory(
        year="2024-25", status="published")), ref="CI 1", project=project)  # fmt: skip
    ActivityUpdateFactory(activity=activity, updated_by=alice, comment="+ on target")
    DocumentFactory(report=report, title="-March", status="done")


def fetch(client, resource, fmt):
    response = client.get(f"/api/v1/{resource}/", {"format": fmt, "month": "2024-03"})
    assert response.status_code == 200, (resource, fmt, response.content[:300])
    return response


def as_json(client, resource):
    body = client.get(f"/api/v1/{resource}/", {"page_size": 1000, "month": "2024-03"}).json()
    assert body["next"] is None
    return body["results"]


def from_csv(response):
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"))))


def from_xlsx(response):
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def same_as_json(value, cell, fmt):
    """Whether a feed's cell says what the JSON says (the JSON's dates are ISO text)."""
    if value is None:
        return cell in ("", None)
    if isinstance(value, dict | list):
        return cell == json.dumps(value, ensure_ascii=False)
    if value == "" and fmt == "xlsx":
        return cell is None  # a workbook holds no empty text: the cell is blank
    if isinstance(value, str):
        shown = "'" + value if value.startswith(("=", "+", "-", "@")) else value
        if fmt == "xlsx" and isinstance(cell, datetime.datetime):
            return cell.date().isoformat() == value[:10]
        return cell == shown
    if isinstance(value, bool):
        return cell == ("true" if value else "false") if fmt == "csv" else cell is value
    if fmt == "csv":
        return Decimal(cell) == Decimal(str(value))
    return isinstance(cell, int | float) and Decimal(str(cell)) == Decimal(str(value))


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_each_feed_holds_the_jsons_rows(api, token_for, records, alice, fmt):
    client = api(token_for(alice))
    differ = []
    for resource in LISTS:
        rows = as_json(client, resource)
        assert rows, resource
        fed = (from_csv if fmt == "csv" else from_xlsx)(fetch(client, resource, fmt))
        assert len(fed) == len(rows), resource
        for row, cells in zip(rows, fed, strict=True):
            assert list(cells) == list(row), resource  # the JSON's names, in its order
            differ += [f"{resource}.{name}: {value!r} != {cells[name]!r}"
                       for name, value in row.items()
                       if not same_as_json(value, cells[name], fmt)]  # fmt: skip
    assert not differ, "\n".join(differ)


def test_numbers_and_dates_stay_typed_and_text_inert_in_excel(api, token_for, records, alice):
    client = api(token_for(alice))
    money = from_xlsx(fetch(client, "money", "xlsx"))[0]
    assert money["variance"] == -1500 and money["variance_percent"] == pytest.approx(-1.5)
    milestone = from_xlsx(fetch(client, "milestones", "xlsx"))[0]
    assert milestone["baseline"] == datetime.datetime(2024, 3, 4)
    assert milestone["slip_working_days"] == 10 and milestone["name"] == "'+Contract signed"
    sheet = openpyxl.load_workbook(io.BytesIO(fetch(client, "projects", "xlsx").content)).active
    name = next(c for row in sheet.iter_rows() for c in row
                if isinstance(c.value, str) and "HYPERLINK" in c.value)  # fmt: skip
    assert name.data_type == "s" and name.value == "'" + HOSTILE  # text, never a formula
    raid = from_csv(fetch(client, "raid-items", "csv"))[0]
    assert raid["title"] == "'@SUM(A1:A9)"


def test_a_feed_is_a_download_named_after_its_list(api, token_for, records, alice):
    response = fetch(api(token_for(alice)), "rag-ratings", "xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="highlight-rag-ratings-' in response["Content-Disposition"]


def test_a_feed_longer_than_the_limit_is_refused_not_cut(api, token_for, records, alice,
                                                          settings):  # fmt: skip
    settings.API_FEED_MAX_ROWS = 2
    response = api(token_for(alice)).get("/api/v1/rag-ratings/", {"format": "csv"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"  # errors are JSON
    assert "More than 2 rows: filter the list" in response.json()["detail"]
    assert api(token_for(alice)).get("/api/v1/projects/", {"format": "csv"}).status_code == 200


def test_a_feed_asked_for_without_a_token_is_refused_in_json(api, records):
    response = api().get("/api/v1/projects/", {"format": "xlsx"})
    assert response.status_code == 401 and response.json()["detail"]

"""What the API's resources give (issue 21): approved reports as approved, drafts as they
stand to those who read drafts, the RAG table with last period's status, filters, pages
with a cap, conditional requests, and the same number of queries at 10 and 200 projects."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects import workflow
from projects.models import FinanceLine, HighlightReport, Milestone, Project, RaidItem
from risks.models import RiskCategory
from tests.factories import (
    ActivityFactory,
    ActivityUpdateFactory,
    BusinessPlanFactory,
    DocumentFactory,
    OwnerRoleFactory,
    ProgrammeFactory,
    ProjectFactory,
    ReportFactory,
    RiskFactory,
    RiskRegisterFactory,
    SectionFactory,
    StrategicAimFactory,
    WorkstreamFactory,
    rate,
)

MARCH, APRIL = datetime.date(2024, 3, 1), datetime.date(2024, 4, 1)


def approved(project, month, manager, sponsor, **statuses):
    report = ReportFactory(project=project, period_start=month)
    rate(report, **statuses)
    return workflow.approve(workflow.submit(report, manager), sponsor)


@pytest.fixture
def reader(api, token_for, olive):
    return api(token_for(olive))


def test_an_approved_report_is_given_as_approved(reader, project, alice, bob):
    report = approved(project, MARCH, alice, bob, Overall="Green")
    # Behind the workflow's back, the row drifts from what was approved: the API gives
    # what was approved (the snapshot), as the PDF prints it.
    HighlightReport.objects.filter(pk=report.pk).update(summary="LIVE TEXT", status_word="Late")
    bob.first_name = "Robert"
    bob.save()
    row = reader.get("/api/v1/reports/").json()["results"][0]
    assert (row["status"], row["summary"]) == ("approved", "Work is progressing to plan.")
    assert row["approved_by"] == "Bob Baker"  # the name printed at approval
    detail = reader.get(f"/api/v1/reports/{report.pk}/").json()
    assert detail["narrative"]["summary"] == "Work is progressing to plan."
    assert "LIVE TEXT" not in str(detail)
    overall = next(r for r in detail["content"]["ratings"] if r["dimension"] == "Overall")
    assert overall["status"]["name"] == "Green"


def test_a_draft_is_given_as_it_stands_to_its_readers_only(api, token_for, reader, report, alice):
    HighlightReport.objects.filter(pk=report.pk).update(summary="Draft words")
    manager = api(token_for(alice))
    assert manager.get("/api/v1/reports/").json()["results"][0]["summary"] == "Draft words"
    assert manager.get(f"/api/v1/reports/{report.pk}/").status_code == 200
    assert reader.get("/api/v1/reports/").json()["count"] == 0
    assert reader.get(f"/api/v1/reports/{report.pk}/").status_code == 404


def test_the_rag_table_gives_last_periods_status(reader, project, alice, bob):
    approved(project, MARCH, alice, bob, Overall="Green", Budget="Green")
    approved(project, APRIL, alice, bob, Overall="Red", Budget="Green")
    rows = reader.get("/api/v1/rag-ratings/?dimension=Overall").json()["results"]
    assert [(r["period"], r["status"], r["previous_status"]) for r in rows] == [
        ("2024-03", "Green", None),
        ("2024-04", "Red", "Green"),
    ]
    assert rows[1]["comment"] == "Red because of Overall"
    assert rows[1]["project"] == "TEST.1" and rows[1]["report_status"] == "approved"


def test_filters_by_programme_project_period_and_status(reader, project, other_project, alice,
                                                          bob, charlie, dave):  # fmt: skip
    project.parent = ProgrammeFactory(code="PROG.1")
    project.save()
    approved(project, MARCH, alice, bob, Overall="Green")
    approved(other_project, APRIL, charlie, dave, Overall="Green")

    def codes(url):
        response = reader.get(url)
        assert response.status_code == 200, response.content
        return sorted({row.get("project") or row.get("code") for row in response.json()["results"]})

    assert codes("/api/v1/reports/?programme=PROG.1") == ["TEST.1"]
    assert codes("/api/v1/reports/?project=OTHER.2") == ["OTHER.2"]
    assert codes("/api/v1/reports/?period=2024-04") == ["OTHER.2"]
    assert codes("/api/v1/rag-ratings/?period=2024-03") == ["TEST.1"]
    assert codes("/api/v1/reports/?status=draft") == []
    assert codes("/api/v1/projects/?programme=PROG.1") == ["TEST.1"]
    assert codes("/api/v1/programmes/") == ["PROG.1"]
    bad = reader.get("/api/v1/reports/?period=March")
    assert bad.status_code == 400 and "write it 2026-09" in bad.json()["period"]


def test_pages_are_capped(reader, db):
    for n in range(5):
        ProjectFactory(code=f"P{n}")
    body = reader.get("/api/v1/projects/?page_size=2").json()
    assert body["count"] == 5 and len(body["results"]) == 2
    assert [r["code"] for r in body["results"]] == ["P0", "P1"]  # stable: by code
    assert "page=2" in body["next"]
    from projects.api_auth import Pages

    assert Pages.max_page_size == 1000
    capped = reader.get("/api/v1/projects/?page_size=100000").json()
    assert len(capped["results"]) == 5 and capped["next"] is None


def test_a_conditional_request_is_answered_304_until_the_answer_changes(reader, project):
    first = reader.get("/api/v1/projects/")
    etag = first["ETag"]
    assert first["Last-Modified"] and "private" in first["Cache-Control"]
    again = reader.get("/api/v1/projects/", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    Project.objects.filter(pk=project.pk).update(name="Library Refit")
    changed = reader.get("/api/v1/projects/", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed["ETag"] != etag
    assert changed.json()["results"][0]["name"] == "Library Refit"
    # If-Modified-Since alone never gets 304: a renamed sponsor leaves every row's time.
    since = reader.get("/api/v1/projects/", headers={"If-Modified-Since": first["Last-Modified"]})
    assert since.status_code == 200


def test_one_persons_etag_is_not_anothers(api, token_for, report, alice, olive):
    mine = api(token_for(alice)).get("/api/v1/reports/")
    theirs = api(token_for(olive)).get("/api/v1/reports/", headers={"If-None-Match": mine["ETag"]})
    assert theirs.status_code == 200 and theirs.json()["count"] == 0


def portfolio(first, size, manager, sponsor):
    for n in range(first, first + size):
        project = ProjectFactory(code=f"Q{n:03}", manager=manager, sponsor=sponsor)
        Milestone.objects.create(
            project=project,
            name="Go live",
            key=True,
            baseline=MARCH,
            forecast=APRIL,
            workstream=WorkstreamFactory(project=project),
        )
        FinanceLine.objects.create(project=project, year=2024, kind="capital", budget=100)
        issue = RaidItem.objects.create(
            project=project, kind="issue", number=1, title="Late", raised_on=MARCH, owner=manager
        )
        RaidItem.objects.create(project=project, kind="action", number=1, title="Chase",
                                raised_on=MARCH, issue=issue, depends_on=project)  # fmt: skip
        report = approved(project, MARCH, manager, sponsor, Overall="Green")
        draft = ReportFactory(project=project, period_start=APRIL)  # the reader may read it
        DocumentFactory(report=report, title=f"{project.code} March")
        DocumentFactory(report=draft, title=f"{project.code} April")
        register = RiskRegisterFactory(name=f"{project.code} risks", project=project,
                                       owner=manager)  # fmt: skip
        category = RiskCategory.objects.order_by("pk").first()
        for ref in ("R1", "R2"):
            RiskFactory(register=register, ref=ref, category=category, owner=manager)
        plan = BusinessPlanFactory(year=f"{2030 + n}-{(31 + n) % 100:02d}", status="published")
        section = SectionFactory(plan=plan, name="C&I")
        activity = ActivityFactory(section=section, ref="CI 1", project=project,
                                   owner=OwnerRoleFactory(name=f"Dir {n}"))  # fmt: skip
        activity.aims.add(StrategicAimFactory(plan=plan))
        ActivityUpdateFactory(activity=activity, updated_by=manager)


LISTS = tuple(f"/api/v1/{name}/" for name in (
    "programmes", "projects", "rag-ratings", "positions", "reports", "milestones", "money",
    "raid-items", "risk-registers", "risks", "business-plans", "plan-sections",
    "plan-activities", "plan-activity-updates", "documents",
))  # fmt: skip


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url + "?page_size=1000").status_code == 200
    return len(captured)


def test_every_list_costs_the_same_queries_at_10_and_200_projects(api, token_for, alice, bob):
    client = api(token_for(alice))
    portfolio(0, 10, alice, bob)
    small = {url: queries(client, url) for url in LISTS}
    portfolio(10, 190, alice, bob)
    assert client.get("/api/v1/projects/").json()["count"] == 200
    assert client.get("/api/v1/raid-items/").json()["count"] == 400
    assert client.get("/api/v1/risks/").json()["count"] == 400
    assert client.get("/api/v1/plan-activity-updates/").json()["count"] == 200
    assert client.get("/api/v1/documents/").json()["count"] == 400
    large = {url: queries(client, url) for url in LISTS}
    assert large == small


def test_a_drafts_rag_rows_give_last_period_as_it_stands(api, token_for, project, alice, bob):
    """A draft freezes nothing yet: its last period is the previous approved report's."""
    approved(project, MARCH, alice, bob, Overall="Amber")
    draft = ReportFactory(project=project, period_start=APRIL)
    rate(draft, Overall="Green")
    rows = api(token_for(alice)).get("/api/v1/rag-ratings/?dimension=Overall").json()["results"]
    assert [(r["period"], r["report_status"], r["previous_status"]) for r in rows] == [
        ("2024-03", "approved", None),
        ("2024-04", "draft", "Amber"),
    ]

"""The API's records beyond reports (issue 21): milestones with their slippage, money in
pounds with its variance, RAID items, the portfolio's positions, risks scored from their
register's matrix, plans' activities, and a document's PDF with a token."""

import datetime

from django.core.files.base import ContentFile

from projects import workflow
from projects.models import AuditEvent, FinanceLine, Milestone, RaidItem
from risks import scoring
from risks.models import Risk, RiskCategory
from tests.factories import DocumentFactory, ReportFactory, RiskFactory, RiskRegisterFactory, rate


def rows(client, resource, **query):
    response = client.get(f"/api/v1/{resource}/", query)
    assert response.status_code == 200, response.content[:300]
    return response.json()["results"]


def test_milestones_money_and_raid_items(api, token_for, project, olive):
    client = api(token_for(olive))
    Milestone.objects.create(project=project, name="Go live", key=True,
                             baseline=datetime.date(2024, 3, 4),
                             forecast=datetime.date(2024, 3, 18))  # fmt: skip
    FinanceLine.objects.create(project=project, year=2024, kind="revenue", budget=10_000_00,
                               spent=2_500_50, forecast=11_500_00)  # fmt: skip
    issue = RaidItem.objects.create(project=project, kind="issue", number=1, title="Lift late",
                                    raised_on=datetime.date(2024, 3, 4))  # fmt: skip
    RaidItem.objects.create(project=project, kind="action", number=1, title="Chase supplier",
                            raised_on=datetime.date(2024, 3, 4), issue=issue,
                            due=datetime.date(2024, 3, 8))  # fmt: skip
    milestone = rows(client, "milestones")[0]
    assert (milestone["slip_working_days"], milestone["slip_weeks"]) == (10, 2.0)
    money = rows(client, "money")[0]
    assert (money["budget"], money["spent"], money["forecast"]) == (10000, 2500.5, 11500)
    assert (money["variance"], money["variance_percent"]) == (1500, 15.0)
    assert money["financial_year"] == "2024-25"
    action = rows(client, "raid-items", kind="action")[0]
    assert (action["ref"], action["issue"], action["overdue"]) == ("A1", "I1", True)
    assert rows(client, "raid-items", kind="issue")[0]["overdue"] is False


def test_positions_are_the_dashboards(api, token_for, project, other_project, alice, bob, olive):
    report = ReportFactory(project=project, period_start=datetime.date(2024, 3, 1))
    rate(report, Overall="Red")
    workflow.approve(workflow.submit(report, alice), bob)
    positions = rows(api(token_for(olive)), "positions", month="2024-04")
    assert [(p["project"], p["overall_status"], p["exception"], p["report_period"])
            for p in positions] == [("TEST.1", "Red", True, "2024-03"),
                                    ("OTHER.2", None, False, None)]  # fmt: skip
    assert rows(api(token_for(olive)), "positions", month="2024-02")[0]["report_period"] is None
    bad = api(token_for(olive)).get("/api/v1/positions/", {"month": "April"})
    assert bad.status_code == 400 and "month" in bad.json()


def test_risks_are_scored_from_their_registers_matrix(api, token_for, project, alice):
    register = RiskRegisterFactory(name="Library risks", project=project, owner=alice)
    cautious = RiskCategory.objects.filter(tolerated_level__lt=4).order_by("pk").first()
    RiskFactory(register=register, ref="LR_1", inherent=(5, 5), residual=(4, 5),
                category=cautious)  # fmt: skip
    RiskFactory(register=register, ref="LR_2", residual=(1, 1), status=Risk.Status.CLOSED)
    got = {r["ref"]: r for r in rows(api(token_for(alice)), "risks")}
    for ref, row in got.items():
        risk = Risk.objects.get(register=register, ref=ref)
        expected = scoring.assessments(risk)
        for kind in ("inherent", "residual"):
            assert row[f"{kind}_score"] == expected[kind].score
            assert row[f"{kind}_band"] == expected[kind].band.name
        assert row["outside_appetite"] == scoring.outside_appetite(risk)
    assert got["LR_1"]["outside_appetite"] is True and got["LR_2"]["outside_appetite"] is False
    assert got["LR_1"]["inherent_score"] == 25


def test_a_documents_pdf_downloads_with_the_token_and_is_audited(api, token_for, report, alice,
                                                                  olive):  # fmt: skip
    document = DocumentFactory(report=report, status="done", title="TEST.1 March")
    document.file.save("test.pdf", ContentFile(b"%PDF-1.7 the report"))
    listed = rows(api(token_for(alice)), "documents")[0]
    response = api(token_for(alice)).get(listed["download"].removeprefix("http://testserver"))
    assert response.status_code == 200 and b"".join(response.streaming_content).startswith(b"%PDF")
    event = AuditEvent.objects.get(kind="download")
    assert event.actor == alice and "through the API" in event.description
    # A draft's PDF is for those who read the draft.
    assert (
        api(token_for(olive)).get(f"/api/v1/documents/{document.pk}/download/").status_code == 404
    )

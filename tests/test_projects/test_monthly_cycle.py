import datetime

import pytest
from django.urls import reverse

from projects import workflow
from projects.models import Project
from projects.reporting import ReportExists, start_next_report
from tests.factories import (
    ConcernFactory,
    DeliverableFactory,
    ReportFactory,
    WorkstreamFactory,
    rate,
)


@pytest.fixture
def last_month(project, alice, bob):
    works = WorkstreamFactory(project=project, name="Building works")
    report = ReportFactory(
        project=project,
        period_start=datetime.date(2024, 3, 1),
        summary="Contractor on site.",
        next_period="- Strip out the old shelving\n- Order the new lighting",
        achievements="- Planning consent granted",
        status_word="On Track",
        percent_complete=35,
        governance="Monthly project board.",
    )
    rate(report, Overall="Red", Budget="Green")
    progress = report.workstream_progress.get(workstream=works)
    progress.next_steps = "- Asbestos survey"
    progress.save()
    ConcernFactory(report=report, concern="Roof leaks", countermeasure="Survey booked")
    ConcernFactory(report=report, concern="Old worry", countermeasure="Done", resolved=True)
    DeliverableFactory(report=report, workstream=works, description="Strip-out", status="complete")
    DeliverableFactory(
        report=report,
        workstream=works,
        description="New lighting",
        status="in_progress",
        due_date=datetime.date(2024, 6, 30),
    )
    workflow.submit(report, alice)
    return workflow.approve(report, bob)


def test_next_report_carries_forward_the_last_one(last_month, project):
    report = start_next_report(project)
    assert (report.period_start, report.period_end) == (
        datetime.date(2024, 4, 1),
        datetime.date(2024, 4, 30),
    )
    assert report.planned_this_period == "- Strip out the old shelving\n- Order the new lighting"
    assert report.next_period == "" and report.achievements == ""
    assert (report.summary, report.status_word, report.percent_complete, report.governance) == (
        "Contractor on site.",
        "On Track",
        35,
        "Monthly project board.",
    )
    assert list(report.concerns.values_list("concern", flat=True)) == ["Roof leaks"]
    assert list(report.deliverables.values_list("description", "status", "due_date")) == [
        ("New lighting", "in_progress", datetime.date(2024, 6, 30))
    ]
    assert report.deliverables.get().workstream.name == "Building works"
    ratings = {
        r.dimension.name: (r.status and r.status.name, r.comment) for r in report.ratings.all()
    }
    # RAG starts from last month's; the "why" is written afresh.
    assert ratings["Overall"] == ("Red", "") and ratings["Budget"] == ("Green", "")
    assert report.workstream_progress.get().planned == "- Asbestos survey"
    assert report.status == "draft" and report.version == 1


def test_carried_red_must_be_explained_before_submitting(last_month, project, alice):
    report = start_next_report(project)
    with pytest.raises(workflow.TransitionNotAllowed, match="Overall: say why it is Red"):
        workflow.submit(report, alice)


def test_quarterly_and_multi_month_reports_carry_forward_their_length(project, alice):
    project.reporting_cadence = Project.Cadence.QUARTERLY
    project.save()
    ReportFactory(project=project, period_start=datetime.date(2024, 1, 1),
                  period_end=datetime.date(2024, 3, 31))  # fmt: skip
    report = start_next_report(project)
    assert (report.period_start, report.period_end) == (
        datetime.date(2024, 4, 1),
        datetime.date(2024, 6, 30),
    )
    project.reporting_cadence = Project.Cadence.AS_REQUIRED
    project.save()
    report.period_end = datetime.date(2024, 8, 31)  # a five-month report
    report.save()
    following = start_next_report(project)
    assert (following.period_start, following.period_end) == (
        datetime.date(2024, 9, 1),
        datetime.date(2025, 1, 31),
    )


def test_start_next_report_through_the_page(client_for, last_month, project, alice):
    response = client_for(alice).post(reverse("projects:report-next", args=[project.code]))
    assert response["Location"] == f"/projects/{project.code}/reports/2024-04/edit/"
    again = client_for(alice).post(
        reverse("projects:report-next", args=[project.code]), follow=True
    )
    assert project.reports.count() == 3  # April, then May: the next after the latest
    assert "Draft for May 2024 started" in again.content.decode()


def test_nothing_to_carry_forward_is_explained(client_for, project, alice):
    with pytest.raises(ReportExists):
        start_next_report(project)
    response = client_for(alice).post(
        reverse("projects:report-next", args=[project.code]), follow=True
    )
    assert "has no report yet to carry forward" in response.content.decode()

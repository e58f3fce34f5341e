"""Which reports a project owes, and whether they came on time (projects.schedule): a
quarterly project falls back into step with calendar quarters, a report covering half a
period does not pay for all of it, and closed projects stop counting."""

import datetime

from projects import workflow
from projects.models import HighlightReport, Project
from projects.reporting import start_next_report
from projects.schedule import outstanding_reports, punctuality
from tests.factories import ReportFactory

D = datetime.date


def test_quarterly_reports_realign_with_calendar_quarters(project):
    project.reporting_cadence = Project.Cadence.QUARTERLY
    project.start = D(2024, 1, 1)
    project.save()
    january = ReportFactory(project=project, period_start=D(2024, 1, 1))  # a month only
    workflow.submit(january, project.manager)
    following = start_next_report(project)
    assert (following.period_start, following.period_end) == (D(2024, 2, 1), D(2024, 3, 31))
    workflow.submit(following, project.manager)
    due = outstanding_reports([project], D(2024, 7, 20))
    assert [(d.period_start, d.period_end) for d in due] == [(D(2024, 4, 1), D(2024, 6, 30))]


def test_a_period_half_covered_is_still_owed(project):
    project.start = D(2024, 3, 1)
    project.save()
    half = ReportFactory(project=project, period_start=D(2024, 3, 1),
                         period_end=D(2024, 3, 15))  # fmt: skip
    workflow.submit(half, project.manager)
    due = outstanding_reports([project], D(2024, 4, 20))
    assert [d.period_start for d in due] == [D(2024, 3, 1)]


def test_closed_projects_stop_counting_against_on_time_rates(project):
    project.start = D(2024, 1, 1)
    project.save()
    for month in (1, 2):
        report = ReportFactory(project=project, period_start=D(2024, month, 1))
        workflow.submit(report, project.manager)
    HighlightReport.objects.update(  # approved: the rate counts approved reports only
        first_submitted_at=datetime.datetime(2024, 1, 2, tzinfo=datetime.UTC),
        status=HighlightReport.Status.APPROVED,
    )
    project.status = Project.Status.CLOSED
    project.save()
    record = punctuality([project], D(2024, 1, 1), D(2024, 12, 31), D(2025, 2, 1))
    assert (record[project.pk].on_time, record[project.pk].expected) == (2, 2)

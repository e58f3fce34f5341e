"""Who is reminded of which report on which day. March 2024 ends on a Sunday and Easter
Monday (1 April) is a bank holiday, so a report due 5 working days later is due on Monday
8 April 2024."""

import datetime

import pytest
import time_machine
from django.core import mail

from projects import workflow
from projects.models import Project, ReportReminder
from projects.reminders import kinds_due, send_reminders
from projects.schedule import add_working_days, due_date, periods_between
from tests.factories import ProjectFactory, ReportFactory

D = datetime.date


@pytest.fixture
def on_time_project(charlie, dave):
    project = ProjectFactory(code="ONTIME", manager=charlie, sponsor=dave, start=D(2024, 3, 1))
    ReportFactory(project=project, period_start=D(2024, 3, 1))
    workflow.submit(project.reports.get(), charlie)
    return project


@pytest.fixture
def late_project(project):
    project.start = D(2024, 1, 1)
    project.save()
    for month in (1, 2):
        report = ReportFactory(project=project, period_start=D(2024, month, 1))
        workflow.submit(report, project.manager)
        workflow.approve(report, project.sponsor)
    return project


def run(day, capture):
    with time_machine.travel(datetime.datetime(*day, 9, 0), tick=False), capture(execute=True):
        sent = send_reminders(D(*day))
    return [(r.project.code, r.period_start, r.kind, r.recipients) for r in sent]


def test_due_dates_skip_weekends_and_bank_holidays(project):
    assert add_working_days(D(2024, 3, 29), 1) == D(2024, 4, 2)  # Good Friday, Easter Monday
    assert due_date(project, D(2024, 3, 31)) == D(2024, 4, 8)


def test_reminders_and_escalations_go_to_the_right_people_on_the_right_days(
    late_project, on_time_project, diana, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    ProjectFactory(code="CLOSED", status=Project.Status.CLOSED, start=D(2024, 1, 1))
    march = D(2024, 3, 1)
    assert run((2024, 4, 4), capture) == []
    assert run((2024, 4, 5), capture) == [("TEST.1", march, "due_soon", "alice@example.org")]
    assert (
        mail.outbox[-1].subject
        == "[OFFICIAL] TEST.1 highlight report for March 2024 is due on 08/04/2024"
    )
    assert run((2024, 4, 5), capture) == []  # sent once
    assert run((2024, 4, 8), capture) == []  # due today: already reminded
    assert run((2024, 4, 9), capture) == [("TEST.1", march, "overdue", "alice@example.org")]
    assert run((2024, 4, 12), capture) == []
    assert run((2024, 4, 13), capture) == [("TEST.1", march, "to_sponsor", "bob@example.org")]
    assert "Overdue 5 days" in mail.outbox[-1].subject
    assert run((2024, 4, 18), capture) == [("TEST.1", march, "to_director", "diana@example.org")]
    assert "is 10 days overdue" in mail.outbox[-1].subject
    assert ReportReminder.objects.filter(project__code="ONTIME").count() == 0
    assert ReportReminder.objects.count() == 4
    assert len(mail.outbox) == 4


def test_a_named_director_is_escalated_to_instead_of_the_group(
    late_project, diana, olive, django_capture_on_commit_callbacks
):
    late_project.director = olive
    late_project.save()
    sent = run((2024, 4, 20), django_capture_on_commit_callbacks)
    # The job did not run for a while: everything earned is sent at once, once.
    assert [(kind, to) for _, _, kind, to in sent] == [
        ("overdue", "alice@example.org"),
        ("to_sponsor", "bob@example.org"),
        ("to_director", "olive@example.org"),
    ]


def test_submitting_stops_the_reminders(late_project, alice, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    run((2024, 4, 9), capture)
    march = ReportFactory(project=late_project, period_start=D(2024, 3, 1))
    workflow.submit(march, alice)
    workflow.withdraw(march, alice)  # was submitted once: it was on time
    assert run((2024, 4, 30), capture) == []


def test_a_started_draft_does_not_stop_the_reminders(
    late_project, django_capture_on_commit_callbacks
):
    ReportFactory(project=late_project, period_start=D(2024, 3, 1))
    assert run((2024, 4, 9), django_capture_on_commit_callbacks)[0][2] == "overdue"


def test_projects_with_no_start_and_no_report_are_not_chased(
    db, django_capture_on_commit_callbacks
):
    ProjectFactory(code="NEW.1")
    assert run((2024, 4, 20), django_capture_on_commit_callbacks) == []


@pytest.mark.parametrize(
    "today, expected",
    [
        (D(2024, 4, 4), []),
        (D(2024, 4, 5), ["due_soon"]),
        (D(2024, 4, 8), ["due_soon"]),
        (D(2024, 4, 9), ["overdue"]),
        (D(2024, 4, 13), ["overdue", "to_sponsor"]),
        (D(2024, 4, 18), ["overdue", "to_sponsor", "to_director"]),
    ],
)
def test_escalation_dates(today, expected):
    assert kinds_due(D(2024, 4, 8), today) == expected


def test_escalation_days_come_from_settings(settings):
    settings.REPORT_ESCALATE_TO_SPONSOR_DAYS = 2
    settings.REPORT_ESCALATE_TO_DIRECTOR_DAYS = 3
    settings.REPORT_REMINDER_DAYS_BEFORE = 1
    assert kinds_due(D(2024, 4, 8), D(2024, 4, 6)) == []
    assert kinds_due(D(2024, 4, 8), D(2024, 4, 11)) == ["overdue", "to_sponsor", "to_director"]


@pytest.mark.parametrize(
    ("cadence", "last", "expected"),
    [
        (
            Project.Cadence.QUARTERLY,
            datetime.date(2024, 4, 20),
            [("2023-10-01", "2023-12-31"), ("2024-01-01", "2024-03-31")],
        ),
        (
            Project.Cadence.MONTHLY,
            datetime.date(2024, 2, 20),
            [
                ("2023-11-01", "2023-11-30"),
                ("2023-12-01", "2023-12-31"),
                ("2024-01-01", "2024-01-31"),
            ],
        ),
    ],
)
def test_periods_ending_between_two_days_cross_the_year_end(cadence, last, expected):
    project = Project(reporting_cadence=cadence)
    first = datetime.date(2023, 11, 15)
    periods = [(s.isoformat(), e.isoformat()) for s, e in periods_between(project, first, last)]
    assert periods == expected


def test_a_reminder_the_mail_server_refused_is_sent_again_next_run(project, monkeypatch):
    project.start = D(2024, 1, 1)
    project.save()

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("projects.notifications.send_mail", refuse)
    assert send_reminders(D(2024, 2, 20)) == []
    assert not ReportReminder.objects.exists()
    monkeypatch.undo()
    sent = send_reminders(D(2024, 2, 20))
    # No director named and no Directors: the escalation waits for someone to tell.
    assert [r.kind for r in sent] == ["overdue", "to_sponsor"]
    assert len(mail.outbox) == 2


def test_a_reminder_flags_the_projects_overdue_actions(
    late_project, django_capture_on_commit_callbacks
):
    from projects.models import RaidItem

    RaidItem.objects.create(project=late_project, kind="action", number=1, due=D(2024, 4, 1),
                            title="Chase the asbestos survey", raised_on=D(2024, 3, 1))  # fmt: skip
    RaidItem.objects.create(project=late_project, kind="action", number=2, due=D(2024, 4, 30),
                            title="Order the shelving", raised_on=D(2024, 3, 1))  # fmt: skip
    run((2024, 4, 5), django_capture_on_commit_callbacks)
    body = mail.outbox[-1].body
    assert "Overdue actions in the RAID log:" in body
    assert "- A1 Chase the asbestos survey, due 01/04/2024" in body
    assert "Order the shelving" not in body  # not due yet

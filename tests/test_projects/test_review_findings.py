"""Behaviour pinned down after the second review of highlight reports."""

import datetime
import io

from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook

from projects import workflow
from projects.models import (
    Deliverable,
    HighlightReport,
    Project,
    RagDimension,
    RagRating,
    RagStatus,
    ReportReminder,
)
from projects.reminders import send_reminders
from projects.reporting import start_next_report
from projects.schedule import outstanding_reports, punctuality
from tests.factories import ReportFactory, rate
from tests.test_projects.test_dashboard import make_portfolio

D = datetime.date


def test_a_manager_cannot_make_themselves_sponsor(client_for, project, alice, bob):
    response = client_for(alice).post(
        reverse("projects:project-edit", args=[project.code]),
        {"name": "Renamed", "sponsor": alice.pk, "status": "closed",
         "reporting_cadence": "as_required", "workstreams-TOTAL_FORMS": 0,
         "workstreams-INITIAL_FORMS": 0},
    )  # fmt: skip
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.name == "Renamed"  # the description is theirs to change
    assert (project.sponsor, project.status, project.reporting_cadence) == (
        bob,
        "active",
        "monthly",
    )


def test_nobody_approves_their_own_report(client_for, report, alice):
    Project.objects.filter(pk=report.project_id).update(sponsor=alice)  # set by the PMO
    workflow.submit(report, alice)
    url = reverse("projects:report-approve", args=[report.project.code, report.period_slug])
    assert client_for(alice).post(url, {"version": report.version + 0}).status_code == 403
    report.refresh_from_db()
    assert report.status == "submitted"


def test_history_of_an_approved_report_is_for_those_who_read_drafts(
    client_for, report, alice, bob, olive
):
    report.summary = "SECRET DRAFT WORDING"
    report.save()
    workflow.submit(report, alice)
    workflow.approve(report, bob)
    url = reverse("projects:report-history", args=[report.project.code, report.period_slug])
    assert client_for(olive).get(url).status_code == 404
    assert "History" not in client_for(olive).get(report.get_absolute_url()).content.decode()
    assert "SECRET DRAFT WORDING" in client_for(bob).get(url).content.decode()


def test_export_keeps_user_text_inert(client_for, diana, alice, bob):
    project = make_portfolio(1, alice, bob)[0]
    Project.objects.filter(pk=project.pk).update(name='=HYPERLINK("http://x","y")\x0b')
    HighlightReport.objects.filter(project=project).update(status_word="+SUM(A1:A9)")
    response = client_for(diana).get("/dashboard/export.xlsx?month=2024-03")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    row = list(sheet.iter_rows(min_row=5, max_row=5))[0]
    assert row[1].value == '\'=HYPERLINK("http://x","y")' and row[1].data_type == "s"
    assert row[6].value == "'+SUM(A1:A9)" and row[6].data_type == "s"


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
    assert [r.kind for r in sent] == ["overdue", "to_sponsor", "to_director"]
    assert len(mail.outbox) == 2  # no director named and no Directors: nobody to tell


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
    HighlightReport.objects.update(
        first_submitted_at=datetime.datetime(2024, 1, 2, tzinfo=datetime.UTC)
    )
    project.status = Project.Status.CLOSED
    project.save()
    record = punctuality([project], D(2024, 1, 1), D(2024, 12, 31), D(2025, 2, 1))
    assert (record[project.pk].on_time, record[project.pk].expected) == (2, 2)


def test_a_first_rating_or_a_hidden_dimension_is_not_an_exception(client_for, diana, alice, bob):
    project = make_portfolio(1, alice, bob)[0]
    new = RagDimension.objects.create(name="Benefits", order=9)
    hidden = RagDimension.objects.create(name="Legacy", order=10, active=False)
    march = HighlightReport.objects.get(project=project, period_start=D(2024, 3, 1))
    RagRating.objects.create(
        report=march, dimension=new, status=RagStatus.objects.get(name="Green")
    )
    RagRating.objects.create(
        report=march, dimension=hidden, status=RagStatus.objects.get(name="Red")
    )
    html = client_for(diana).get("/dashboard/?month=2024-03").content.decode()
    assert '<tr class="exception">' not in html


def test_an_approved_page_keeps_what_was_approved(client_for, project, alice, bob, pam, olive):
    works = project.workstreams.create(name="Building works")
    report = ReportFactory(project=project, period_start=D(2024, 3, 1))
    progress = report.workstream_progress.get()
    progress.achievements = "Roof finished"
    progress.save()
    Deliverable.objects.create(
        report=report, workstream=works, description="Roof", status="complete"
    )
    workflow.submit(report, alice)
    workflow.approve(report, bob)
    project.benefits = "Rewritten after approval"
    project.save()
    bob.last_name = "Renamed"
    bob.save()
    page = client_for(olive).get(report.get_absolute_url()).content.decode()
    assert "Roof finished" in page and "Bob Baker" in page
    assert "Rewritten after approval" not in page
    # The workstream an approved report used cannot be deleted from under it.
    response = client_for(pam).post(
        reverse("projects:project-edit", args=[project.code]),
        {"code": project.code, "name": project.name, "kind": "project", "status": "active",
         "sponsor": bob.pk, "manager": alice.pk, "reporting_cadence": "monthly",
         "report_due_working_days": 5, "governance_body": "the board",
         "workstreams-TOTAL_FORMS": 1, "workstreams-INITIAL_FORMS": 1,
         "workstreams-0-id": works.pk, "workstreams-0-name": works.name,
         "workstreams-0-order": 0, "workstreams-0-DELETE": "on"},
    )  # fmt: skip
    assert "is used by approved reports, so it cannot be deleted" in response.content.decode()
    assert project.workstreams.filter(pk=works.pk).exists()


def test_rate_helper_comments_keep_submissions_valid(report, alice):
    rate(report, Overall="Red")
    assert workflow.submit(report, alice).status == "submitted"

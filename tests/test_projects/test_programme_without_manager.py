"""A programme run by its board may have no manager (the culture programme names none):
nothing invents one, its editors hear what a manager would, and a project still needs one."""

import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from projects import workflow
from projects.models import Project
from projects.reminders import send_reminders
from reports.services import render_source
from tests.factories import ProgrammeFactory, ProjectFactory, ReportFactory
from tests.pdf import pdf_text
from tests.test_projects.test_project_form import form


@pytest.fixture
def board_run(bob, charlie):
    programme = ProgrammeFactory(
        code="BOARD", manager=None, sponsor=bob, start=datetime.date(2024, 1, 1)
    )
    programme.editors.add(charlie)
    return programme


def test_the_pmo_makes_a_programme_without_a_manager_but_not_a_project(client_for, pam, bob):
    url = reverse("projects:project-create")
    refused = client_for(pam).post(url, form(sponsor=bob.pk))
    assert "A project needs a manager" in refused.text
    assert not Project.objects.filter(code="NEW.1").exists()
    # Someone must write its reports: without a manager, an editor.
    nobody = client_for(pam).post(url, form(kind="programme", sponsor=bob.pk))
    assert "A programme without a manager needs an editor" in nobody.text
    response = client_for(pam).post(url, form(kind="programme", sponsor=bob.pk, editors=[bob.pk]))
    assert response.status_code == 302
    assert Project.objects.get(code="NEW.1").manager is None


def test_a_programme_with_projects_or_links_stays_a_programme(client_for, pam, board_run, bob):
    child = ProjectFactory(code="CHILD", parent=board_run, sponsor=bob)
    url = reverse("projects:project-edit", args=[board_run.code])
    saw = client_for(pam).get(url).context["form"]["seen"].value()
    people = {"sponsor": bob.pk, "manager": bob.pk, "editors": [bob.pk]}
    response = client_for(pam).post(
        url, form(code="BOARD", name=board_run.name, kind="project", seen=saw, **people)
    )
    assert "It is still a programme to 1 project: move or unlink them first." in response.text
    board_run.refresh_from_db()
    assert board_run.kind == "programme" and child.parent == board_run


def test_nobody_named_to_write_means_no_reminder_recorded_as_sent(
    board_run, charlie, django_capture_on_commit_callbacks
):
    board_run.editors.remove(charlie)
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders(datetime.date(2024, 2, 6)) == []
    assert not mail.outbox
    board_run.editors.add(charlie)  # once someone is named, they are reminded
    with django_capture_on_commit_callbacks(execute=True):
        assert [r.recipients for r in send_reminders(datetime.date(2024, 2, 7))] == [
            "charlie@example.org"
        ]


def test_its_pages_and_report_name_no_manager(client_for, board_run, pam, diana):
    report = ReportFactory(project=board_run, period_start=datetime.date(2024, 3, 1))
    page = client_for(diana).get(board_run.get_absolute_url())
    assert "<dt>Manager</dt>" not in page.text and "None" not in page.text
    report_page = client_for(diana).get(report.get_absolute_url())
    assert "<dt>Manager</dt>" not in report_page.text
    listing = client_for(diana).get(reverse("projects:project-list"))
    assert "None" not in listing.text
    text = pdf_text(render_source("highlight_report", report)[0].content)
    assert "manager" not in text.lower() and "None" not in text


def test_its_editors_are_reminded_and_told_of_approval(
    board_run, bob, charlie, pam, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        sent = send_reminders(datetime.date(2024, 2, 6))
    assert [r.recipients for r in sent] == ["charlie@example.org"]
    assert mail.outbox[-1].body.startswith("Dear colleague,")
    report = ReportFactory(project=board_run, period_start=datetime.date(2024, 1, 1))
    workflow.submit(report, pam)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.approve(report, bob)
    assert mail.outbox[-1].to == [charlie.email]
    assert "approved" in mail.outbox[-1].subject


def test_the_demo_culture_programme_has_no_invented_manager(db):
    call_command("seed_demo", allow_live=True, samples_only=True)
    assert Project.objects.get(code="CAP").manager is None


def test_a_project_left_without_a_manager_prints_no_empty_manager(db, bob):
    # The form insists on one, but an admin edit or a leaver's hand-over may leave none.
    project = ProjectFactory(code="ORPHAN", manager=None, sponsor=bob)
    report = ReportFactory(project=project, period_start=datetime.date(2024, 3, 1))
    text = pdf_text(render_source("highlight_report", report)[0].content)
    assert "Project sponsor" in text and "Project manager" not in text

"""Approval freezes a report: its PDF is made once from what was approved, and that file is
what everyone downloads until the PMO reopens it."""

import datetime
import hashlib
from pathlib import Path

import pytest
from django.urls import reverse

from projects import workflow
from reports import services
from reports.models import Document
from tests.factories import DeliverableFactory, ReportFactory, WorkstreamFactory
from tests.pdf import pdf_text


@pytest.fixture
def approved(report, alice, bob, django_capture_on_commit_callbacks):
    workflow.submit(report, alice)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.approve(report, bob)
    return report


def test_approval_renders_the_pdf_once_and_serves_that_file(client_for, approved, olive):
    document = services.approved_copy("highlight_report", approved)
    assert document.status == Document.Status.DONE
    response = client_for(olive).get(reverse("reports:document-download", args=[document.pk]))
    served = b"".join(response.streaming_content)
    assert hashlib.sha256(served).hexdigest() == document.sha256
    text = pdf_text(served)
    assert "Agreed and authorised by the Project Sponsor: Bob Baker, Director of Place" in text
    # Asking for the PDF again gives the same file, not a new render.
    again = services.request_document(
        "highlight_report", {"project": "TEST.1", "period": "2024-03"}, olive
    )
    assert again.pk == document.pk
    assert Document.objects.count() == 1


def test_approved_report_is_frozen(client_for, approved, alice, bob, pam):
    response = client_for(alice).get(approved.get_absolute_url() + "edit/", follow=True)
    assert "This report is approved, so it cannot be edited." in response.content.decode()
    document = services.approved_copy("highlight_report", approved)
    # Later changes to the project and its people do not alter what was approved.
    project = approved.project
    project.benefits = "Rewritten after approval"
    project.save()
    bob.job_title = "Chief Executive"
    bob.save()
    approved.refresh_from_db()
    again = services.request_document(
        "highlight_report", {"project": "TEST.1", "period": "2024-03"}, pam
    )
    assert again.pk == document.pk
    assert "Director of Place" in str(approved.approved_snapshot)
    assert "Rewritten after approval" not in str(approved.approved_snapshot)


def test_reopen_withdraws_approval_until_the_sponsor_approves_again(
    client_for, approved, alice, bob, pam, olive, django_capture_on_commit_callbacks
):
    first_pdf = services.approved_copy("highlight_report", approved)
    client_for(pam).post(
        reverse("projects:report-reopen", args=["TEST.1", "2024-03"]),
        {"comment": "Budget figures were wrong", "version": approved.version},
    )
    approved.refresh_from_db()
    assert approved.status == "draft" and approved.approved_by is None
    assert approved.approved_snapshot is None
    assert services.approved_copy("highlight_report", approved) is None
    # No longer approved: outsiders cannot see it, nor its old approved PDF.
    assert client_for(olive).get(approved.get_absolute_url()).status_code == 404
    download = reverse("reports:document-download", args=[first_pdf.pk])
    assert client_for(olive).get(download).status_code == 404
    page = client_for(alice).get(approved.get_absolute_url()).content.decode()
    assert "Reopened by the PMO:" in page and "Budget figures were wrong" in page
    approved.summary = "Corrected budget."
    approved.save()
    workflow.submit(approved, alice)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.approve(approved, bob)
    second_pdf = services.approved_copy("highlight_report", approved)
    assert second_pdf.pk != first_pdf.pk
    assert "Corrected budget." in pdf_text(Path(second_pdf.file.path).read_bytes())


def test_an_approved_page_keeps_what_was_approved(client_for, project, alice, bob, pam, olive):
    works = WorkstreamFactory(project=project, name="Building works")
    report = ReportFactory(project=project, period_start=datetime.date(2024, 3, 1))
    progress = report.workstream_progress.get()
    progress.achievements = "Roof finished"
    progress.save()
    DeliverableFactory(report=report, workstream=works, description="Roof", status="complete")
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

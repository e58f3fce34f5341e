"""DESIGN.md's "who may do what", through the real URLs: 404 for someone who may not read
the report, 403 for someone who may read it but not do the thing."""

import pytest
from django.urls import reverse

from projects import workflow
from projects.models import HighlightReport, Project
from reports.models import Document
from reports.services import request_document
from reports.worker import render_document


def url(name, report):
    return reverse(f"projects:{name}", args=[report.project.code, report.period_slug])


def attempt(client, action, report, document=None):
    if action == "edit":
        return client.get(url("report-edit", report))
    if action == "download":
        return client.get(reverse("reports:document-download", args=[document.pk]))
    return client.post(url(f"report-{action}", report))


@pytest.fixture
def submitted(report, alice):
    return workflow.submit(report, alice)


@pytest.fixture
def approved(submitted, bob):
    return workflow.approve(submitted, bob)


@pytest.fixture
def pdf_of():
    def make(report, user):
        document = request_document(
            "highlight_report",
            {"project": report.project.code, "period": report.period_slug},
            user,
        )
        render_document.delay(document.pk)  # the approval may have queued it already
        document.refresh_from_db()
        assert document.status == Document.Status.DONE, document.error
        return document

    return make


@pytest.mark.parametrize("action", ["edit", "submit", "approve", "download"])
def test_anonymous_visitors_are_sent_to_login(client, submitted, alice, pdf_of, action):
    document = pdf_of(submitted, alice)
    response = attempt(client, action, submitted, document)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("outsider", ["charlie", "dave"])
@pytest.mark.parametrize("action", ["edit", "submit", "approve", "download"])
def test_other_projects_people_cannot_see_drafts(
    request, client_for, submitted, alice, pdf_of, outsider, action
):
    """A manager or a sponsor of another project may not read this project's drafts."""
    document = pdf_of(submitted, alice)
    client = client_for(request.getfixturevalue(outsider))
    assert attempt(client, action, submitted, document).status_code == 404
    submitted.refresh_from_db()
    assert submitted.status == HighlightReport.Status.SUBMITTED


@pytest.mark.parametrize("outsider", ["charlie", "dave"])
@pytest.mark.parametrize("action", ["edit", "submit", "approve"])
def test_other_projects_people_read_approved_reports_but_cannot_act(
    request, client_for, approved, outsider, action
):
    client = client_for(request.getfixturevalue(outsider))
    assert client.get(approved.get_absolute_url()).status_code == 200
    assert attempt(client, action, approved).status_code == 403


def test_anyone_signed_in_downloads_an_approved_reports_pdf(client_for, approved, olive, pdf_of):
    document = pdf_of(approved, olive)
    response = client_for(olive).get(reverse("reports:document-download", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_editor_drafts_but_cannot_submit(client_for, report, erin):
    client = client_for(erin)
    assert client.get(url("report-edit", report)).status_code == 200
    assert client.post(url("report-submit", report)).status_code == 403
    report.refresh_from_db()
    assert report.status == HighlightReport.Status.DRAFT


def test_manager_cannot_approve_own_report(client_for, submitted, alice):
    assert client_for(alice).post(url("report-approve", submitted)).status_code == 403


def test_sponsor_approves_through_the_page(client_for, submitted, bob):
    response = client_for(bob).post(
        url("report-approve", submitted), {"version": submitted.version}, follow=True
    )
    assert response.status_code == 200
    assert "Report approved." in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == HighlightReport.Status.APPROVED


def test_sponsor_returns_through_the_page_with_comment(client_for, submitted, bob):
    client = client_for(bob)
    seen = {"version": submitted.version}
    response = client.post(url("report-return", submitted), {**seen, "comment": ""}, follow=True)
    assert "Say what needs to change" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == HighlightReport.Status.SUBMITTED
    client.post(url("report-return", submitted), {**seen, "comment": "Add the budget figures"})
    submitted.refresh_from_db()
    assert submitted.status == HighlightReport.Status.RETURNED
    page = client_for(bob).get(submitted.get_absolute_url()).content.decode()
    assert "Add the budget figures" in page


def test_sponsor_and_directors_read_drafts(client_for, report, bob, diana, pam):
    for reader in (bob, diana, pam):
        assert client_for(reader).get(report.get_absolute_url()).status_code == 200


def test_outsider_sees_only_approved_reports_on_project_page(client_for, report, charlie):
    page = client_for(charlie).get(report.project.get_absolute_url()).content.decode()
    assert report.period_label not in page
    assert "No reports yet." in page


def test_illegal_step_through_the_page_is_explained(client_for, report, bob, alice):
    workflow.submit(report, alice)
    workflow.approve(report, bob)
    seen = {"version": report.version}
    response = client_for(alice).post(url("report-withdraw", report), seen, follow=True)
    assert "This report is approved, so it cannot be withdrawn." in response.content.decode()


def test_unknown_project_or_period_is_404(client_for, report, alice):
    client = client_for(alice)
    assert client.get("/projects/NOPE.1/").status_code == 404
    assert client.get(f"/projects/{report.project.code}/reports/1999-01/").status_code == 404
    assert client.get(f"/projects/{report.project.code}/reports/2024-13/").status_code == 404


def test_a_pdf_printed_from_a_draft_stays_private_after_approval(
    client_for, report, alice, bob, olive, pdf_of
):
    report.summary = "SECRET DRAFT WORDING"
    report.save()
    draft_pdf = pdf_of(report, alice)
    report.summary = "What the sponsor approved."
    report.save()
    workflow.submit(report, alice)
    workflow.approve(report, bob)
    approved_pdf = pdf_of(report, olive)
    assert approved_pdf.pk != draft_pdf.pk
    client = client_for(olive)
    assert client.get(reverse("reports:document-download", args=[draft_pdf.pk])).status_code == 404
    assert client.get(reverse("reports:document-detail", args=[draft_pdf.pk])).status_code == 404
    ok = client.get(reverse("reports:document-download", args=[approved_pdf.pk]))
    assert ok.status_code == 200
    page = client.get(report.get_absolute_url()).content.decode()
    assert f"/documents/{approved_pdf.pk}/download/" in page
    assert f"/documents/{draft_pdf.pk}/" not in page


def test_a_sponsor_cannot_approve_a_version_they_have_not_seen(client_for, report, alice, bob):
    workflow.submit(report, alice)
    seen_by_bob = report.version
    workflow.withdraw(report, alice)
    report.summary = "Quietly changed after the sponsor looked."
    report.save()
    workflow.submit(report, alice)
    response = client_for(bob).post(
        url("report-approve", report), {"version": seen_by_bob}, follow=True
    )
    assert "The report has changed since you opened it" in response.content.decode()
    report.refresh_from_db()
    assert report.status == HighlightReport.Status.SUBMITTED
    client_for(bob).post(url("report-approve", report), {"version": report.version})
    report.refresh_from_db()
    assert report.status == HighlightReport.Status.APPROVED


def test_nobody_approves_their_own_report(client_for, report, alice):
    Project.objects.filter(pk=report.project_id).update(sponsor=alice)  # set by the PMO
    workflow.submit(report, alice)
    url = reverse("projects:report-approve", args=[report.project.code, report.period_slug])
    assert client_for(alice).post(url, {"version": report.version + 0}).status_code == 403
    report.refresh_from_db()
    assert report.status == "submitted"

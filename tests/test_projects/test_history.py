from django.urls import reverse

from projects import workflow
from projects.models import RagStatus
from tests.test_projects.test_report_form import edit_url, form_data


def test_history_shows_who_changed_what_and_when(client_for, report, alice, bob):
    report.summary = "Contractor appointed."
    report.save()
    red = RagStatus.objects.get(name="Red")
    client_for(alice).post(
        edit_url(report),
        form_data(
            report,
            summary="New summary",
            **{"ratings-0-status": red.pk, "ratings-0-comment": "Late"},
        ),
    )
    report.refresh_from_db()
    client_for(alice).post(
        reverse("projects:report-submit", args=[report.project.code, report.period_slug]),
        {"version": report.version},
    )
    page = client_for(bob).get(
        reverse("projects:report-history", args=[report.project.code, report.period_slug])
    )
    html = page.content.decode()
    assert page.status_code == 200
    rows = html[html.index("<tbody>") :]
    # newest first: the submission, then the edit of the summary and the RAG line
    assert rows.index("Submitted") < rows.index("New summary")
    assert "Contractor appointed." in rows and "New summary" in rows
    assert "RAG: Overall" in rows and "Red" in rows and "Late" in rows
    assert "<td>Alice Archer</td>" in rows


def test_history_is_read_with_the_report(client_for, report, charlie):
    url = reverse("projects:report-history", args=[report.project.code, report.period_slug])
    assert client_for(charlie).get(url).status_code == 404


def test_history_records_transitions_made_outside_a_request(client_for, report, alice, bob):
    workflow.submit(report, alice)
    workflow.approve(report, bob)
    html = (
        client_for(bob)
        .get(reverse("projects:report-history", args=[report.project.code, report.period_slug]))
        .content.decode()
    )
    assert "Approved" in html and "Bob Baker" in html


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

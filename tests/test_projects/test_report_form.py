import datetime

import pytest
from django.urls import reverse

from projects import workflow
from projects.models import HighlightReport, RagStatus
from tests.factories import ConcernFactory
from tests.pdf import pdf_text


def edit_url(report):
    return reverse("projects:report-edit", args=[report.project.code, report.period_slug])


def form_data(report, **changes):
    """What the browser posts for the report as it stands, with some fields changed."""
    data = {
        "version": report.version,
        "report_date": report.report_date.isoformat(),
        "status_word": report.status_word,
        "percent_complete": report.percent_complete or "",
        "summary": report.summary,
        "achievements": report.achievements,
        "next_period": report.next_period,
        "issues": report.issues,
        "risks_narrative": report.risks_narrative,
        "decisions_required": report.decisions_required,
        "governance": report.governance,
        "communication": report.communication,
        "ratings-TOTAL_FORMS": report.ratings.count(),
        "ratings-INITIAL_FORMS": report.ratings.count(),
        "concerns-TOTAL_FORMS": 2 + report.concerns.count(),
        "concerns-INITIAL_FORMS": report.concerns.count(),
        "workstreams-TOTAL_FORMS": report.workstream_progress.count(),
        "workstreams-INITIAL_FORMS": report.workstream_progress.count(),
        "deliverables-TOTAL_FORMS": 3 + report.deliverables.count(),
        "deliverables-INITIAL_FORMS": report.deliverables.count(),
        "deliverables_title": report.deliverables_title,
        "planned_this_period": report.planned_this_period,
    }
    for i, rating in enumerate(report.ratings.all()):
        data[f"ratings-{i}-id"] = rating.pk
        data[f"ratings-{i}-status"] = rating.status_id or ""
        data[f"ratings-{i}-comment"] = rating.comment
    for i, concern in enumerate(report.concerns.all()):
        data[f"concerns-{i}-id"] = concern.pk
        data[f"concerns-{i}-concern"] = concern.concern
        data[f"concerns-{i}-countermeasure"] = concern.countermeasure
        if concern.resolved:
            data[f"concerns-{i}-resolved"] = "on"
    for i, progress in enumerate(report.workstream_progress.all()):
        data[f"workstreams-{i}-id"] = progress.pk
        for name in ("planned", "achievements", "next_steps"):
            data[f"workstreams-{i}-{name}"] = getattr(progress, name)
    for i, item in enumerate(report.deliverables.all()):
        data[f"deliverables-{i}-id"] = item.pk
        data[f"deliverables-{i}-workstream"] = item.workstream_id or ""
        data[f"deliverables-{i}-description"] = item.description
        data[f"deliverables-{i}-status"] = item.status
        data[f"deliverables-{i}-due_date"] = item.due_date or ""
        data[f"deliverables-{i}-forecast_date"] = item.forecast_date or ""
        data[f"deliverables-{i}-order"] = item.order
    for i in range(report.deliverables.count(), report.deliverables.count() + 3):
        data[f"deliverables-{i}-status"] = "not_started"
        data[f"deliverables-{i}-order"] = 0
    data.update(changes)
    return data


def test_edit_form_round_trip(client_for, report, alice):
    client = client_for(alice)
    page = client.get(edit_url(report)).content.decode()
    assert 'name="summary"' in page and "Issues &amp; Risks" in page
    red = RagStatus.objects.get(name="Red")
    response = client.post(
        edit_url(report),
        form_data(
            report,
            summary="Contractor **appointed**.",
            status_word="On Track",
            percent_complete=40,
            **{
                "ratings-0-status": red.pk,
                "ratings-0-comment": "Two weeks late: roof survey.",
                "concerns-0-concern": "Asbestos in the roof void",
                "concerns-0-countermeasure": "Specialist survey booked",
            },
        ),
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.summary == "Contractor **appointed**."
    assert report.status_word == "On Track"
    assert report.percent_complete == 40
    assert report.version == 2
    overall = report.ratings.get(dimension__name="Overall")
    assert overall.status == red and overall.comment == "Two weeks late: roof survey."
    assert list(report.concerns.values_list("concern", "countermeasure")) == [
        ("Asbestos in the roof void", "Specialist survey booked")
    ]
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Contractor <strong>appointed</strong>." in page
    assert "Two weeks late: roof survey." in page
    assert "Asbestos in the roof void" in page
    assert '<progress class="percent" max="100" value="40">' in page


def test_invalid_input_is_explained_and_nothing_changes(client_for, report, alice):
    response = client_for(alice).post(edit_url(report), form_data(report, percent_complete=140))
    assert response.status_code == 200
    assert "Ensure this value is less than or equal to 100." in response.content.decode()
    report.refresh_from_db()
    assert report.percent_complete is None and report.version == 1


def test_stale_save_is_refused_and_the_typed_text_kept(client_for, report, alice, erin):
    opened_by_alice = form_data(report, summary="Alice's summary")
    client_for(erin).post(edit_url(report), form_data(report, summary="Erin's summary"))
    response = client_for(alice).post(edit_url(report), opened_by_alice)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Erin Ellis at" in page and "changed this report after you opened it" in page
    assert "Alice&#x27;s summary" in page  # still in the form, nothing lost
    report.refresh_from_db()
    assert report.summary == "Erin's summary"
    assert report.version == 2


def test_submitted_report_cannot_be_saved_from_an_old_form(client_for, report, alice):
    data = form_data(report, summary="Late change")
    workflow.submit(report, alice)
    response = client_for(alice).post(edit_url(report), data)
    assert response.status_code == 409
    page = response.content.decode()
    assert "This report was submitted after you opened it" in page
    assert "Late change" in page  # still in the form, to copy
    report.refresh_from_db()
    assert report.summary != "Late change"


def test_concerns_can_be_deleted(client_for, report, alice):
    ConcernFactory(report=report, concern="Old worry")
    data = form_data(report, **{"concerns-0-DELETE": "on"})
    client_for(alice).post(edit_url(report), data)
    assert not report.concerns.exists()


def test_markup_typed_into_a_report_is_never_live(client_for, report, alice):
    client = client_for(alice)
    client.post(
        edit_url(report),
        form_data(report, summary='<script>alert("x")</script><img src=x onerror=alert(1)> ok'),
    )
    page = client.get(report.get_absolute_url()).content.decode()
    assert "alert(" not in page
    assert "onerror" not in page
    assert " ok" in page


def test_new_report_for_a_month(client_for, project, alice):
    client = client_for(alice)
    response = client.post(
        reverse("projects:report-create", args=[project.code]), {"period_start": "2024-06"}
    )
    report = HighlightReport.objects.get(project=project)
    assert response["Location"] == edit_url(report)
    assert (report.period_start, report.period_end) == (
        datetime.date(2024, 6, 1),
        datetime.date(2024, 6, 30),
    )
    again = client.post(
        reverse("projects:report-create", args=[project.code]), {"period_start": "2024-06"}
    )
    assert "already has a report for June 2024, which overlaps" in again.content.decode()
    assert HighlightReport.objects.filter(project=project).count() == 1


def test_multi_month_report_is_found_by_any_month_it_covers(client_for, project, alice):
    client_for(alice).post(
        reverse("projects:report-create", args=[project.code]),
        {"period_start": "2024-01", "period_end": "2024-05"},
    )
    page = client_for(alice).get(f"/projects/{project.code}/reports/2024-03/")
    assert page.status_code == 200
    assert "January – May 2024" in page.content.decode()


@pytest.mark.parametrize("user", ["charlie", "olive", "bob"])
def test_only_the_team_and_pmo_start_reports(request, client_for, project, user):
    client = client_for(request.getfixturevalue(user))
    response = client.post(
        reverse("projects:report-create", args=[project.code]), {"period_start": "2024-06"}
    )
    assert response.status_code == 403
    assert not HighlightReport.objects.filter(project=project).exists()


def test_scripts_and_javascript_links_are_inert_in_page_and_pdf(client_for, report, alice):
    from reports.services import render_source

    hostile = (
        "<script>alert('x')</script>\n\n[click me](javascript:alert(1))\n\n"
        '<a href="javascript:alert(2)">or me</a> <a href="JaVaScRiPt:alert(3)">me</a>\n\n'
        '<img src=x onerror="alert(4)"> **still bold**'
    )
    client = client_for(alice)
    client.post(edit_url(report), form_data(report, summary=hostile, issues=hostile))
    page = client.get(report.get_absolute_url()).content.decode()
    assert "<strong>still bold</strong>" in page
    lowered = page.lower()
    for bad in ("<script>alert", 'href="javascript:', "onerror", "<img"):
        assert bad not in lowered
    report.refresh_from_db()
    pdf, _, _ = render_source("highlight_report", report)
    assert b"javascript" not in pdf.content.lower()
    assert b"/JS" not in pdf.content
    assert "still bold" in pdf_text(pdf.content)

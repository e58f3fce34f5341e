"""Report templates: the organisation's default and a programme's own name each section of a
highlight report, the same on the form, the page and the PDF, and decide which optional
sections the form offers; a section that has content always prints."""

import datetime
import re

import pytest

from projects import workflow
from projects.models import ReportTemplate
from reports.services import render_source
from tests.factories import ProgrammeFactory, ReportFactory, rate
from tests.forms import read_form
from tests.pdf import pdf_text

CULTURE = {
    "achievements": {"heading": "Progress", "shown": True},
    "next_period": {"heading": "Next steps", "shown": True},
    "decisions_required": {"heading": "", "shown": False},
    "concerns": {"heading": "", "shown": False},
}


@pytest.fixture
def programme(project):
    programme = ProgrammeFactory(code="CAP", name="Culture Action Plan")
    project.parent = programme
    project.save()
    ReportTemplate.objects.create(name="Strategic", programme=programme, sections=CULTURE)
    return programme


def form_labels(client, report):
    """The labels of the report form's fields, as a screen reader reads them."""
    html = client.get(f"{report.get_absolute_url()}edit/").content.decode()
    return [
        " ".join(label.split()) for label in re.findall(r"<label[^>]*>(.*?)</label>", html, re.S)
    ]


def page(client, report):
    return client.get(report.get_absolute_url()).content.decode()


def pdf(report):
    return pdf_text(render_source("highlight_report", report)[0].content)


def test_the_default_template_uses_the_same_words_on_form_page_and_pdf(client_for, alice, report):
    report.achievements = "Opened the east wing."
    report.save()
    assert "Achievements this period" in form_labels(client_for(alice), report)
    assert "Achievements this period" in page(client_for(alice), report)
    assert "Achievements this period Opened the east wing." in pdf(report)


def test_a_programmes_template_names_its_projects_sections_everywhere(
    client_for, alice, report, programme
):
    report.achievements = "Launched the dashboard."
    report.next_period = "Finish the leavers process."
    report.save()
    labels = form_labels(client_for(alice), report)
    assert "Progress" in labels and "Next steps" in labels
    assert "Achievements this period" not in labels
    shown = page(client_for(alice), report)
    assert "Progress" in shown and "Achievements this period" not in shown
    printed = pdf(report)
    assert "Progress Launched the dashboard." in printed
    assert "Next steps Finish the leavers process." in printed
    assert "Achievements this period" not in printed


def test_a_section_the_template_does_not_use_is_not_offered(client_for, alice, report, programme):
    form = client_for(alice).get(f"{report.get_absolute_url()}edit/").content.decode()
    assert 'name="decisions_required"' not in form
    assert 'name="concerns-TOTAL_FORMS"' in form  # the formset still posts its counts
    assert 'name="concerns-0-concern"' not in form
    assert 'name="summary"' in form  # summary is never optional


def test_a_hidden_section_that_holds_something_is_offered_and_printed(
    client_for, alice, report, programme
):
    report.decisions_required = "Agree the budget."
    report.save()
    form = client_for(alice).get(f"{report.get_absolute_url()}edit/").content.decode()
    assert 'name="decisions_required"' in form
    assert "Agree the budget." in pdf(report)


def test_saving_a_report_with_a_hidden_section_keeps_what_it_holds(
    client_for, alice, report, programme
):
    """The form leaves a hidden section out; saving it must not blank the field."""
    report.governance = "A steering group meets monthly."
    report.save()
    programme.report_template.sections["governance"] = {"heading": "", "shown": False}
    programme.report_template.save()
    client = client_for(alice)
    form = client.get(f"{report.get_absolute_url()}edit/")
    data = {
        field.html_name: field.value() if field.value() is not None else ""
        for field in form.context["form"]
    }
    for formset in ("ratings", "workstreams", "deliverables", "concerns"):
        management = form.context[formset].management_form
        data.update({f.html_name: f.value() for f in management})
        for sub in form.context[formset].forms:
            for field in sub:
                value = field.value()
                if value is not None and value is not False:
                    data[field.html_name] = value
    data["summary"] = "Changed summary."
    response = client.post(f"{report.get_absolute_url()}edit/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    report.refresh_from_db()
    assert report.summary == "Changed summary."
    assert report.governance == "A steering group meets monthly."


def test_an_approved_report_keeps_the_headings_it_was_approved_under(
    client_for, alice, bob, report, programme
):
    report.achievements = "Launched the dashboard."
    report.save()
    rate(report, Overall="Green", Timeline="Green", Budget="Green", Issues_Risks="Green")
    workflow.submit(report, alice)
    workflow.approve(report, bob)
    template = programme.report_template
    template.sections["achievements"]["heading"] = "Done so far"
    template.save()
    report.refresh_from_db()
    assert "Progress Launched the dashboard." in pdf(report)
    assert "Done so far" not in page(client_for(alice), report)


def test_the_pmo_words_the_default_template(client_for, pam, alice, report):
    template = ReportTemplate.default()
    data = {"name": "Kent format", "version": template.version}
    data["heading_next_period"] = "Do next"
    data["heading_achievements"] = "Achievements (to date)"
    for key in ("planned_this_period", "deliverables", "concerns", "issues", "risks_narrative",
                "decisions_required", "governance", "communication"):  # fmt: skip
        data[f"shown_{key}"] = "on"
    response = client_for(pam).post(f"/settings/report-templates/{template.pk}/", data)
    assert response.status_code == 302
    report.next_period = "Launch SORP 2."
    report.save()
    assert "Do next Launch SORP 2." in pdf(report)
    labels = form_labels(client_for(alice), report)
    assert "Do next" in labels and "Achievements (to date)" in labels


def test_two_people_saving_a_template_at_once_do_not_overwrite_each_other(client_for, pam):
    template = ReportTemplate.default()
    opened = {"name": "First", "version": template.version}
    client_for(pam).post(f"/settings/report-templates/{template.pk}/", opened)
    response = client_for(pam).post(
        f"/settings/report-templates/{template.pk}/", {**opened, "name": "Second"}
    )
    assert "Someone else saved this template" in response.content.decode()
    assert ReportTemplate.default().name == "First"


def test_a_programme_has_one_template_and_the_default_cannot_be_removed(client_for, pam, programme):
    response = client_for(pam).post(
        "/settings/report-templates/new/",
        {"name": "Another", "programme": programme.pk, "version": 0},
    )
    assert "Select a valid choice" in response.content.decode()
    default = ReportTemplate.default()
    assert (
        client_for(pam).post(f"/settings/report-templates/{default.pk}/delete/").status_code == 404
    )


def test_only_the_pmo_keeps_templates(client_for, alice, diana):
    for user in (alice, diana):
        assert client_for(user).get("/settings/report-templates/").status_code == 403


def test_a_report_of_a_project_outside_any_programme_uses_the_default(report, programme):
    other = ReportFactory(period_start=datetime.date(2024, 3, 1))
    other.achievements = "Moved the depot."
    other.save()
    assert "Achievements this period Moved the depot." in pdf(other)


def test_a_report_whose_template_hides_deliverables_saves_as_a_browser_sends_it(
    client_for, alice, report, programme
):
    template = programme.report_template
    template.sections["deliverables"] = {"heading": "", "shown": False}
    template.save()
    client = client_for(alice)
    url = f"{report.get_absolute_url()}edit/"
    data = dict(read_form(client, url).fields)
    data["summary"] = "Changed."
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:500]
    report.refresh_from_db()
    assert report.summary == "Changed."


def test_text_typed_before_the_pmo_hid_its_section_is_kept(client_for, alice, report, programme):
    client = client_for(alice)
    url = f"{report.get_absolute_url()}edit/"
    data = dict(read_form(client, url).fields)
    data["issues"] = "The depot roof leaks."
    template = programme.report_template
    template.sections["issues"] = {"heading": "", "shown": False}
    template.save()  # meanwhile
    assert client.post(url, data).status_code == 302
    report.refresh_from_db()
    assert report.issues == "The depot roof leaks."

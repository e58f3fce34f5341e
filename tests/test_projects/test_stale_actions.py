"""Issue 17, finding 9(a): a workflow step posted without the version the person saw skipped
the stale check, so it was taken on whatever the report had become meanwhile (an approval
of text the sponsor never read). Every step now needs the version, and says so; so does
every form that carries one (their hidden field's own error showed nowhere)."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from businessplan.models import Activity
from projects import workflow
from projects.models import HighlightReport, Organisation, ReportTemplate
from risks.models import Risk, RiskMatrix
from tests.factories import (
    ActivityFactory,
    BusinessPlanFactory,
    OwnerRoleFactory,
    ReportFactory,
    RiskFactory,
    RiskRegisterFactory,
    SectionFactory,
)
from tests.forms import read_form

Status = HighlightReport.Status

# action → (how the report gets to the state it leaves from, who takes the step)
STEPS = {
    "submit": (lambda report, alice, bob: report, "alice"),
    "withdraw": (lambda report, alice, bob: workflow.submit(report, alice), "alice"),
    "approve": (lambda report, alice, bob: workflow.submit(report, alice), "bob"),
    "return": (lambda report, alice, bob: workflow.submit(report, alice), "bob"),
    "reopen": (
        lambda report, alice, bob: workflow.approve(workflow.submit(report, alice), bob),
        "pam",
    ),
}


@pytest.mark.parametrize("sent", [None, "", "abc", "²", "9" * 5000], ids=repr)
@pytest.mark.parametrize("action", STEPS)
def test_a_step_without_the_version_seen_is_refused_and_changes_nothing(
    request, client_for, report, alice, bob, pam, action, sent
):
    prepare, actor = STEPS[action]
    report = prepare(report, alice, bob)
    # Changed since the page was opened: the summary the sponsor would approve is new.
    HighlightReport.objects.filter(pk=report.pk).update(summary="Written after you looked")
    before = HighlightReport.objects.values("status", "version").get(pk=report.pk)
    data = {"comment": "Please add the budget figures."}
    if sent is not None:
        data["version"] = sent
    url = reverse(f"projects:report-{action}", args=[report.project.code, report.period_slug])
    response = client_for(request.getfixturevalue(actor)).post(url, data, follow=True)
    assert response.status_code == 200
    assert "did not say which version of the report you saw" in response.content.decode()
    assert HighlightReport.objects.values("status", "version").get(pk=report.pk) == before


def test_the_step_with_the_version_on_the_page_is_taken(client_for, report, alice):
    client = client_for(alice)
    response = client.post(
        reverse("projects:report-submit", args=[report.project.code, report.period_slug]),
        {"version": report.version},
        follow=True,
    )
    assert "Report submitted to the sponsor." in response.content.decode()
    assert HighlightReport.objects.get(pk=report.pk).status == Status.SUBMITTED


def risk_page(alice, project, page):
    register = RiskRegisterFactory(
        name="Library risks",
        project=project,
        matrix=RiskMatrix.objects.get(name="5x5"),
        owner=alice,
    )
    RiskFactory(register=register, ref="LR_1", title="Asbestos", next_review_date=None)
    url = reverse(f"risks:{page}", args=[register.slug, "LR_1"])
    return url, lambda: Risk.objects.values_list("title", "version", "reviews").get()


def report_page(alice, project, page):
    report = ReportFactory(project=project, period_start=datetime.date(2024, 3, 1))
    url = reverse("projects:report-edit", args=[project.code, report.period_slug])
    return url, lambda: HighlightReport.objects.values_list("summary", "version").get()


def activity_page(alice, project, page):
    plan = BusinessPlanFactory(year="2019-20", status="published")
    role = OwnerRoleFactory(name="Dir - C&I", users=[alice])
    section = SectionFactory(plan=plan, name="C&I", slug="c-i")
    activity = ActivityFactory(section=section, ref="CI 1", title="Website", owner=role)
    url = reverse("businessplan:activity-update", args=[plan.year, "c-i", "CI 1"])
    return url, lambda: (Activity.objects.values_list("version").get(), activity.updates.count())


def settings_page(alice, project, page):
    alice.groups.add(Group.objects.get(name="PMO"))
    url = reverse(f"projects:{page}", **({"args": [1]} if page == "template-edit" else {}))
    return url, lambda: (
        Organisation.current().version,
        list(ReportTemplate.objects.values_list("name", "version")),
    )


# Every other form that carries the version the person saw (the sibling of the steps).
FORMS = {
    "report edit": (report_page, "report-edit", {"summary": "Typed over a change"}),
    "risk edit": (risk_page, "risk-edit", {"title": "Asbestos, typed over a change"}),
    "risk review": (risk_page, "risk-review", {"comment": "Reviewed over a change"}),
    "activity update": (activity_page, "", {"comment": "On track", "quarter": "1"}),
    "organisation": (settings_page, "organisation-settings", {"name": "Typed over a change"}),
    "report template": (settings_page, "template-edit", {"name": "Typed over a change"}),
}


@pytest.mark.parametrize("page", FORMS)
def test_a_form_without_the_version_seen_is_refused_and_says_why(client_for, alice, project, page):
    make, name, changes = FORMS[page]
    url, stored = make(alice, project, name)
    client = client_for(alice)
    data = read_form(client, url).fields
    assert "version" in data  # the page sends it
    del data["version"]
    before = stored()
    response = client.post(url, {**data, **changes})
    assert response.status_code == 200
    assert "the form did not say which version you saw" in response.content.decode()
    assert stored() == before

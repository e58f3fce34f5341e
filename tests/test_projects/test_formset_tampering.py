"""Issue 17, finding 8: a formset posted with rows no page sends. Raising TOTAL_FORMS to add
a RAG line or a workstream section gave a 500 (IntegrityError); a repeated row id, another
report's row id or a lowered INITIAL_FORMS saved the wrong rows, dropped changes or copied
every row, without a word. Each is now a clear error on the page, and nothing changes."""

import datetime

import pytest
from django.urls import reverse

from businessplan.models import StrategicAim
from projects.models import Concern, HighlightReport, RagRating, RagStatus, Workstream
from risks.models import RiskBand, RiskMatrix
from tests.factories import (
    BusinessPlanFactory,
    ConcernFactory,
    ReportFactory,
    StrategicAimFactory,
    WorkstreamFactory,
)
from tests.forms import read_form

ROWS_CHANGED = "this form&#x27;s rows do not match what is stored"


@pytest.fixture
def reports(project, other_project):
    """TEST.1's draft with two concerns and a workstream, and OTHER.2's draft beside it."""
    WorkstreamFactory(project=project, name="Building")
    report = ReportFactory(project=project, period_start=datetime.date(2024, 3, 1), rated=True)
    ConcernFactory(report=report, concern="Asbestos in the roof")
    ConcernFactory(report=report, concern="Contractor capacity")
    other = ReportFactory(project=other_project, period_start=datetime.date(2024, 3, 1), rated=True)
    ConcernFactory(report=other, concern="Depot lease")
    return report, other


def stored(report):
    """What a tampered post must leave as it was: the report's rows and everyone's concerns."""
    report.refresh_from_db()
    ratings = RagRating.objects.order_by("pk")
    return (
        report.version,
        list(ratings.values_list("report", "dimension", "status", "comment")),
        list(Concern.objects.order_by("pk").values_list("report", "concern", "resolved")),
        list(report.workstream_progress.values_list("workstream", "achievements")),
    )


def add_rating_line(data, report, other):
    # A fifth line, naming Overall again: the form has no dimension field, so the new row
    # had none at all.
    n = int(data["ratings-TOTAL_FORMS"])
    data["ratings-TOTAL_FORMS"] = n + 1
    data[f"ratings-{n}-dimension"] = report.ratings.first().dimension_id
    data[f"ratings-{n}-status"] = RagStatus.objects.get(name="Red").pk
    data[f"ratings-{n}-comment"] = "A second Overall line"


def add_workstream_section(data, report, other):
    n = int(data["workstreams-TOTAL_FORMS"])
    data["workstreams-TOTAL_FORMS"] = n + 1
    data[f"workstreams-{n}-workstream"] = report.workstream_progress.first().workstream_id
    data[f"workstreams-{n}-achievements"] = "A second Building section"


def repeat_a_rating(data, report, other):
    data["ratings-1-id"] = data["ratings-0-id"]
    data["ratings-1-comment"] = "Written over Overall"


def edit_another_reports_rating(data, report, other):
    data["ratings-0-id"] = other.ratings.first().pk
    data["ratings-0-comment"] = "Changed on OTHER.2"


def drop_a_rows_id(data, report, other):
    del data["ratings-0-id"]


def raise_initial_forms(data, report, other):
    n = int(data["ratings-TOTAL_FORMS"])
    data["ratings-TOTAL_FORMS"] = data["ratings-INITIAL_FORMS"] = n + 1


def new_concern_naming_another_reports(data, report, other):
    n = int(data["concerns-INITIAL_FORMS"])
    data[f"concerns-{n}-id"] = other.concerns.get().pk
    data[f"concerns-{n}-concern"] = "Depot lease, taken over"


def delete_a_concern_and_keep_it(data, report, other):
    data["concerns-1-id"] = data["concerns-0-id"]
    data["concerns-0-DELETE"] = "on"
    data["concerns-1-concern"] = "Kept after all"


def lower_initial_forms(data, report, other):
    data["concerns-INITIAL_FORMS"] = 0  # every stored concern would be saved again as new


TAMPERING = {
    add_rating_line: "A report has one RAG line per dimension: a line cannot be added here.",
    add_workstream_section: "A report has one progress section per workstream of its project",
    repeat_a_rating: ROWS_CHANGED,
    edit_another_reports_rating: ROWS_CHANGED,
    drop_a_rows_id: ROWS_CHANGED,
    raise_initial_forms: ROWS_CHANGED,
    new_concern_naming_another_reports: ROWS_CHANGED,
    delete_a_concern_and_keep_it: ROWS_CHANGED,
    lower_initial_forms: ROWS_CHANGED,
}


@pytest.mark.parametrize("tamper", TAMPERING, ids=lambda tamper: tamper.__name__)
def test_a_tampered_report_form_is_refused_and_changes_nothing(client_for, alice, reports, tamper):
    report, other = reports
    client = client_for(alice)
    url = reverse("projects:report-edit", args=[report.project.code, report.period_slug])
    data = read_form(client, url).fields
    data["summary"] = "A summary that must not be saved"
    before = stored(report)
    tamper(data, report, other)
    response = client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Nothing was saved" in page and TAMPERING[tamper] in page
    assert stored(report) == before
    assert HighlightReport.objects.get(pk=report.pk).summary != data["summary"]


def test_the_untampered_form_still_saves(client_for, alice, reports):
    report, _ = reports
    client = client_for(alice)
    url = reverse("projects:report-edit", args=[report.project.code, report.period_slug])
    data = read_form(client, url).fields
    data["summary"] = "Saved as typed"
    data["concerns-0-DELETE"] = "on"
    data["concerns-2-concern"] = "Scaffolding permit"
    assert client.post(url, data).status_code == 302
    assert list(report.concerns.values_list("concern", flat=True)) == [
        "Contractor capacity",
        "Scaffolding permit",
    ]


def test_the_project_pages_workstreams_refuse_repeated_and_foreign_rows(
    client_for, pam, project, other_project
):
    WorkstreamFactory(project=project, name="Building")
    WorkstreamFactory(project=project, name="Stock")
    theirs = WorkstreamFactory(project=other_project, name="Fleet")
    client = client_for(pam)
    url = reverse("projects:project-edit", args=[project.code])
    before = list(Workstream.objects.order_by("pk").values_list("project", "name"))
    for tamper in (
        {"workstreams-1-id": "", "workstreams-1-name": "Building"},  # an existing row, no id
        {"workstreams-0-DELETE": "on", "workstreams-1-id": "FIRST"},  # deleted, and kept
        {"workstreams-0-id": theirs.pk, "workstreams-0-name": "Renamed from TEST.1"},
        {"workstreams-INITIAL_FORMS": 0},  # both rows again, as copies
    ):
        data = read_form(client, url).fields
        first = data["workstreams-0-id"]
        data.update({k: first if v == "FIRST" else v for k, v in tamper.items()})
        response = client.post(url, data)
        assert response.status_code == 200, tamper
        assert ROWS_CHANGED in response.content.decode(), tamper
        assert list(Workstream.objects.order_by("pk").values_list("project", "name")) == before


def test_the_plans_aims_refuse_a_repeated_row(client_for, pam):
    plan = BusinessPlanFactory(year="2019-20", status="published")
    StrategicAimFactory(plan=plan, number=1, text="A thriving economy")
    StrategicAimFactory(plan=plan, number=2, text="Safe streets")
    client = client_for(pam)
    url = reverse("businessplan:plan-edit", args=[plan.year])
    data = read_form(client, url).fields
    data["aims-1-id"] = data["aims-0-id"]
    data["aims-1-text"] = "Written over aim 1"
    response = client.post(url, data)
    assert ROWS_CHANGED in response.content.decode()
    assert list(StrategicAim.objects.order_by("number").values_list("text", flat=True)) == [
        "A thriving economy",
        "Safe streets",
    ]


def test_the_admins_risk_bands_refuse_another_matrixs_band(admin_client):
    matrix, other = RiskMatrix.objects.get(name="4x4"), RiskMatrix.objects.get(name="5x5")
    url = reverse("admin:risks_riskmatrix_change", args=[matrix.pk])
    data = read_form(admin_client, url).fields
    data["bands-0-id"] = other.bands.order_by("pk").first().pk
    before = list(RiskBand.objects.order_by("pk").values_list("matrix", "name", "min_score"))
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert ROWS_CHANGED in response.content.decode()
    assert (
        list(RiskBand.objects.order_by("pk").values_list("matrix", "name", "min_score")) == before
    )

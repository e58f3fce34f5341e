"""Hostile input through every form, as a browser would post it: markup and script in every
text field, 1 MB strings, dates out of range and scores off the scale. Nothing answers 500,
nothing is changed by a refused form, and what is saved stays inert in pages, PDFs and
exported workbooks. (Hostile spreadsheets are in test_hostile_files.py.)"""

import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from businessplan.models import Activity, BusinessPlan
from projects.models import HighlightReport, Milestone, Project
from reports.services import render_source
from risks.models import Risk, RiskMatrix, RiskRegister
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
from tests.pdf import pdf_text

SCRIPT = "<script>alert(1)</script><img src=x onerror=alert(2)> Typed by hand"
FORMULA = '=HYPERLINK("http://evil.example/","Click")'
# Only ever on a page if the markup went through unescaped.
MARKERS = ("<script>alert", "<img src=x")


def fill(reader, value, form=None):
    """Every free-text field of the form set to `value` (cut to the field's maxlength); the
    fields with a format of their own (codes, refs, years, dates) and the choices a person
    must make are filled as a person would."""
    skip, choose, values = FORMATTED.get(form, ((), (), {}))
    data = dict(reader.fields)
    for name in sorted(reader.text_fields - set(skip)):
        if blank_row(name, data):
            continue  # a person leaves the spare rows of a table empty
        # Each field its own value, as no two rows of a table may repeat.
        data[name] = (value + f" {name}")[: reader.limits.get(name, len(value))]
    for name in choose:
        data[name] = next(option for option in reader.options[name] if option)
    return {**data, **values}


def blank_row(name, data):
    """A field of one of a formset's spare rows (beyond the rows it already has)."""
    parts = name.split("-")
    if len(parts) < 3 or not parts[-2].isdigit():
        return False
    return int(parts[-2]) >= int(data.get(f"{parts[0]}-INITIAL_FORMS", 0))


# Per form: fields with a format of their own, and choices that have no default.
FORMATTED = {
    "project": (("code", "cost_centre", "start_text", "end_text"), (), {}),
    "new project": (
        ("code", "cost_centre", "start_text", "end_text"),
        ("sponsor", "manager"),
        {"code": "NEW.1"},
    ),
    "risk": (("ref",), (), {}),
    "new risk": (
        ("ref",),
        ("inherent_probability", "inherent_impact", "residual_probability", "residual_impact"),
        {"ref": "LR_2"},
    ),
    "new register": ((), ("owner",), {}),
    "plan": (("year",), (), {}),
    "new plan": (("year",), (), {"year": "2020-21"}),
    "activity update": ((), ("quarter", "status"), {}),
}


@pytest.fixture
def world(project, report, alice, pam):
    matrix = RiskMatrix.objects.get(name="5x5")
    register = RiskRegisterFactory(
        name="Library risks", project=project, matrix=matrix, owner=alice
    )
    RiskFactory(register=register, ref="LR_1", title="Asbestos", inherent=(4, 4), residual=(3, 3))
    plan = BusinessPlanFactory(year="2019-20", status=BusinessPlan.Status.PUBLISHED)
    ActivityFactory(
        section=SectionFactory(plan=plan, name="C&I", slug="c-i"), ref="CI 1",
        title="Refresh the website", owner=OwnerRoleFactory(name="Dir - C&I"),
    )  # fmt: skip
    Milestone.objects.create(project=project, name="Contract signed", key=True)
    return {"project": project, "report": report, "register": register, "plan": plan}


def forms(world):
    """(who, form URL) for every form that saves what people type."""
    report, register, plan = world["report"], world["register"], world["plan"]
    return {
        "project": ("pam", reverse("projects:project-edit", args=["TEST.1"])),
        "milestones": ("alice", reverse("projects:milestones-edit", args=["TEST.1"])),
        "raid item": ("alice", reverse("projects:raid-new", args=["TEST.1"])),
        "new project": ("pam", reverse("projects:project-create")),
        "report": ("alice", reverse("projects:report-edit", args=["TEST.1", report.period_slug])),
        "risk": ("pam", reverse("risks:risk-edit", args=[register.slug, "LR_1"])),
        "new risk": ("pam", reverse("risks:risk-create", args=[register.slug])),
        "risk review": ("pam", reverse("risks:risk-review", args=[register.slug, "LR_1"])),
        "new register": ("pam", reverse("risks:register-create")),
        "plan": ("pam", reverse("businessplan:plan-edit", args=[plan.year])),
        "new plan": ("pam", reverse("businessplan:plan-create")),
        "activity update": (
            "pam",
            reverse("businessplan:activity-update", args=[plan.year, "c-i", "CI 1"]),
        ),
    }


FORM_NAMES = [
    "project", "new project", "milestones", "raid item", "report", "risk", "new risk",
    "risk review", "new register", "plan", "new plan", "activity update",
]  # fmt: skip


def signed_in(request, who):
    client = Client(raise_request_exception=False)
    client.force_login(request.getfixturevalue(who))
    return client


def pages_showing(world):
    report, register, plan = world["report"], world["register"], world["plan"]
    return [
        "/",
        reverse("projects:dashboard"),
        reverse("projects:project-list"),
        reverse("projects:project-detail", args=["TEST.1"]),
        reverse("projects:milestones", args=["TEST.1"]),
        reverse("projects:money", args=["TEST.1"]),
        reverse("projects:raid", args=["TEST.1"]) + "?shown=all",
        report.get_absolute_url(),
        reverse("risks:register-list"),
        reverse("risks:register", args=[register.slug]),
        reverse("risks:risk", args=[register.slug, "LR_1"]),
        reverse("risks:outside-appetite"),
        reverse("businessplan:plan-list"),
        reverse("businessplan:plan", args=[plan.year]),
        reverse("businessplan:section", args=[plan.year, "c-i"]),
        reverse("businessplan:activity", args=[plan.year, "c-i", "CI 1"]),
        reverse("businessplan:changes", args=[plan.year]),
    ]


@pytest.mark.parametrize("form", FORM_NAMES)
def test_script_in_every_text_field_is_saved_as_text_and_shown_inert(request, world, form):
    who, url = forms(world)[form]
    client = signed_in(request, who)
    response = client.post(url, fill(read_form(client, url), SCRIPT, form))
    assert response.status_code in (200, 302), response.status_code
    shown = False
    for page_url in pages_showing(world) + (
        [response["Location"]] if response.status_code == 302 else []
    ):
        page = client.get(page_url)
        assert page.status_code == 200, page_url
        html = page.content.decode().lower()
        for marker in MARKERS:
            assert marker not in html, f"{marker} unescaped on {page_url}"
        shown |= "typed by hand" in html
    # The form was accepted and what was typed is on a page, as text.
    assert response.status_code == 302, f"{form}: the form refused the text"
    assert shown, f"{form}: the typed text shows nowhere"


def test_script_and_formulas_stay_inert_in_every_pdf_and_workbook(client_for, world, pam):
    report, register, plan = world["report"], world["register"], world["plan"]
    hostile = f"{FORMULA} {SCRIPT}"
    Project.objects.filter(pk=world["project"].pk).update(name=FORMULA, objectives=hostile)
    HighlightReport.objects.filter(pk=report.pk).update(summary=hostile, status_word=FORMULA)
    Risk.objects.filter(register=register).update(title=FORMULA, controls=hostile)
    Activity.objects.filter(section__plan=plan).update(title=FORMULA, measure=hostile)
    for kind, source in (
        ("highlight_report", HighlightReport.objects.get(pk=report.pk)),
        ("risk_register", register),
        ("business_plan", plan),
    ):
        pdf, _, _ = render_source(kind, source)
        assert b"/JavaScript" not in pdf.content and b"/JS " not in pdf.content, kind
        text = pdf_text(pdf.content)
        assert "=HYPERLINK" in text, f"{kind}: the typed text is not printed as text"
    client = client_for(pam)
    for url in (
        reverse("projects:dashboard-export") + "?month=2024-03",
        reverse("risks:register-export", args=[register.slug]),
        reverse("businessplan:plan-export", args=[plan.year]) + "?internal=1",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        book = load_workbook(io.BytesIO(response.content))
        found = 0
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (
                        f"{url}: formula in {sheet.title}!{cell.coordinate}"
                    )
                    if isinstance(cell.value, str) and "HYPERLINK" in cell.value:
                        assert cell.value.startswith("'="), cell.value
                        found += 1
        assert found, f"{url}: the hostile text is not in the export"


@pytest.mark.parametrize("form", FORM_NAMES)
def test_a_megabyte_in_a_text_field_is_refused_cleanly(request, world, form):
    who, url = forms(world)[form]
    client = signed_in(request, who)
    reader = read_form(client, url)
    typed = fill(reader, "A line of text.", form)
    before = snapshot()
    # The longest free-text field of the form (a textarea where there is one).
    field = max(
        (
            name
            for name in reader.text_fields - set(FORMATTED.get(form, ((),))[0])
            if name in typed and not blank_row(name, typed)
        ),
        key=lambda name: reader.limits.get(name, 10**9),
    )
    response = client.post(url, {**typed, field: "x" * 1_000_000})
    assert response.status_code == 200, "a megabyte of text must be refused with the form"
    assert "at most" in response.content.decode(), field
    assert snapshot() == before


def snapshot():
    return (
        list(Project.objects.values_list("code", "name", "objectives", "benefits")),
        list(HighlightReport.objects.values_list("summary", "issues", "version")),
        list(Risk.objects.values_list("ref", "title", "controls", "version")),
        list(RiskRegister.objects.values_list("name")),
        list(BusinessPlan.objects.values_list("year", "title", "introduction")),
        list(Activity.objects.values_list("ref", "title", "comment")),
    )


@pytest.mark.parametrize(
    ("form", "field", "value", "message"),
    [
        ("risk", "residual_probability", "6", "Select a valid choice"),
        ("risk", "residual_probability", "0", "Select a valid choice"),
        ("risk", "inherent_impact", "-1", "Select a valid choice"),
        ("risk", "target_impact", "99999999999999999999", "Select a valid choice"),
        ("risk", "next_review_date", "31/02/2024", "Enter a valid date"),
        ("risk", "next_review_date", "01/01/10000", "Enter a valid date"),
        ("report", "report_date", "0000-01-01", "Enter a valid date"),
        ("report", "percent_complete", "-5", "greater than or equal to 0"),
        ("report", "percent_complete", "250", "less than or equal to 100"),
        ("project", "start_text", "0000", "between 1900 and 2199"),
        ("project", "end_text", "31/12/9999", "between 1900 and 2199"),
    ],
)
def test_out_of_range_values_are_refused_and_change_nothing(
    request, world, form, field, value, message
):
    who, url = forms(world)[form]
    client = signed_in(request, who)
    data = read_form(client, url).fields
    assert field in data, f"{form} has no field {field}: {sorted(data)}"
    before = snapshot()
    response = client.post(url, {**data, field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("period", ["0001-01", "9999-12", "2024-13", "0000-00"])
def test_reports_for_months_at_the_edge_of_the_calendar_are_handled(
    client_for, project, alice, period
):
    client = client_for(alice)
    response = client.post(
        reverse("projects:report-create", args=["TEST.1"]), {"period_start": period}
    )
    assert response.status_code in (200, 302)
    for url in (f"/projects/TEST.1/reports/{period}/", f"/projects/TEST.1/reports/{period}/edit/"):
        assert client.get(url).status_code in (200, 404), url
    assert client.get(reverse("projects:dashboard") + f"?month={period}").status_code in (200, 400)


def test_a_report_for_the_last_month_of_the_calendar_has_no_next(client_for, project, alice):
    ReportFactory(project=project, period_start=datetime.date(9999, 12, 1))
    response = client_for(alice).post(reverse("projects:report-next", args=["TEST.1"]), follow=True)
    assert response.status_code == 200
    assert HighlightReport.objects.filter(project=project).count() == 1

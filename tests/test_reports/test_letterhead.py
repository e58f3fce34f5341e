"""Every PDF carries the organisation's name and logo and its protective marking, at the top
and bottom of every page; the marking is part of what a document is, so re-marking makes
it again; exports and emails name it too."""

import datetime
import io

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader

from projects import workflow
from projects.models import Organisation
from reports.kinds import get_kind
from reports.kinds.boardpack import Portfolio
from reports.rendering import MEDIA_BASE, RefusedURL, StaticOnlyFetcher
from reports.services import approved_copy, render_source, request_document
from tests.factories import (
    BusinessPlanFactory,
    MarkingFactory,
    ProgrammeFactory,
    ProjectFactory,
    ReportFactory,
    RiskFactory,
    RiskRegisterFactory,
    marking,
    rate,
)
from tests.pdf import page_edges, pdf_text

SENSITIVE = "OFFICIAL-SENSITIVE"


@pytest.fixture
def named(db, media_root):
    """The organisation with a name and a logo, as the PMO's settings page keeps them."""
    organisation = Organisation.current()
    organisation.name = "Slough Borough Council"
    out = io.BytesIO()
    Image.new("RGB", (240, 80), "#1d4f91").save(out, format="PNG")
    organisation.logo.save("logo-0123456789abcdef.png", ContentFile(out.getvalue()), save=False)
    organisation.save()
    return organisation


def pages(pdf):
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages]


def assert_marked_on_every_page(pdf, name):
    """The marking is what is printed highest and lowest on every page."""
    for number, (top, bottom) in enumerate(page_edges(pdf.content), start=1):
        assert top == name, f"page {number} is headed {top!r}"
        assert bottom == name, f"page {number} is footed {bottom!r}"


def sources(project):
    report = ReportFactory(project=project, period_start=datetime.date(2024, 3, 1), rated=True)
    register = RiskRegisterFactory(project=project)
    RiskFactory(register=register)
    plan = BusinessPlanFactory(year="2023-24")
    return {
        "highlight_report": (report, {}),
        "risk_register": (register, {}),
        "business_plan": (plan, {"internal": False}),
    }


@pytest.mark.parametrize("kind", ["highlight_report", "risk_register", "business_plan"])
def test_every_page_of_every_kind_carries_the_marking_and_the_organisation(named, project, kind):
    source, params = sources(project)[kind]
    pdf, _, _ = render_source(kind, source, params)
    assert pdf.pages >= 1
    assert_marked_on_every_page(pdf, "OFFICIAL")
    for number, text in enumerate(pages(pdf), start=1):
        assert "Slough Borough Council" in text, f"page {number} has no running header"
    reader = PdfReader(io.BytesIO(pdf.content))
    assert reader.pages[0].images, "the logo is printed on the first page"


def test_a_document_of_an_unnamed_organisation_prints_no_name(project):
    pdf, _, _ = render_source("highlight_report", sources(project)["highlight_report"][0])
    assert_marked_on_every_page(pdf, "OFFICIAL")
    assert not PdfReader(io.BytesIO(pdf.content)).pages[0].images


def test_a_report_carries_its_projects_marking(named, project):
    project.marking = marking(SENSITIVE)
    project.save()
    report, _ = sources(project)["highlight_report"]
    pdf, _, _ = render_source("highlight_report", report)
    assert_marked_on_every_page(pdf, SENSITIVE)


def test_the_organisations_default_marks_what_is_not_marked(named, project):
    named.default_marking = marking(SENSITIVE)
    named.save()
    register, _ = sources(project)["risk_register"]
    pdf, _, _ = render_source("risk_register", register)
    assert_marked_on_every_page(pdf, SENSITIVE)


def test_a_pack_carries_the_highest_marking_of_what_it_holds(named, pam):
    programme = ProgrammeFactory(code="PRG")
    quiet = ProjectFactory(code="QUIET", parent=programme)
    touchy = ProjectFactory(code="TOUCHY", parent=programme)
    params = {"programme": "PRG", "period": "2024-03"}
    pdf, _, _ = render_source("board_pack", programme, params)
    assert_marked_on_every_page(pdf, "OFFICIAL")
    RiskRegisterFactory(project=touchy, marking=marking(SENSITIVE))
    pdf, _, _ = render_source("board_pack", programme, params)
    assert_marked_on_every_page(pdf, SENSITIVE)
    assert quiet.marking is None


def test_re_marking_a_project_makes_its_approved_pdf_again(
    named, project, alice, bob, django_capture_on_commit_callbacks
):
    report = ReportFactory(project=project, period_start=datetime.date(2024, 3, 1))
    rate(report, Overall="Green")
    workflow.submit(report, alice)
    with django_capture_on_commit_callbacks(execute=True):
        workflow.approve(report, bob)
    first = approved_copy("highlight_report", report)
    assert first is not None and first.marking == "OFFICIAL"
    project.marking = marking(SENSITIVE)
    project.save()
    report.refresh_from_db()
    assert approved_copy("highlight_report", report) is None  # the old copy is not it
    with django_capture_on_commit_callbacks(execute=True):
        again = request_document("highlight_report", source=report, requested_by=bob)
    assert again.pk != first.pk
    again.refresh_from_db()
    assert again.marking == SENSITIVE
    assert approved_copy("highlight_report", report) == again


def test_a_new_logo_makes_documents_again(named, project):
    report, _ = sources(project)["highlight_report"]
    spec = get_kind("highlight_report")
    before = spec.fingerprint(spec.printable(report))
    named.name = "Slough Council"
    named.save()
    assert spec.fingerprint(spec.printable(report)) != before


def test_the_fetcher_serves_only_the_logo_highlight_wrote(named, media_root):
    served = StaticOnlyFetcher().fetch(f"{MEDIA_BASE}{named.logo_name}")
    assert served.read().startswith(b"\x89PNG")
    secret = media_root / "organisation" / "notes.txt"
    secret.write_text("not for printing")
    documents = media_root / "documents" / "1"
    documents.mkdir(parents=True)
    (documents / "logo-0123456789abcdef.png").write_bytes(b"x")
    for url in (
        f"{MEDIA_BASE}organisation/notes.txt",
        f"{MEDIA_BASE}documents/1/logo-0123456789abcdef.png",
        f"{MEDIA_BASE}organisation/../documents/1/logo-0123456789abcdef.png",
        f"{MEDIA_BASE}organisation/logo-ffffffffffffffff.png",  # no such file
    ):
        with pytest.raises(RefusedURL):
            StaticOnlyFetcher().fetch(url)


def test_exports_carry_the_marking_in_header_and_footer_not_as_a_row(client_for, pam, project):
    register = RiskRegisterFactory(project=project, marking=marking(SENSITIVE))
    RiskFactory(register=register)
    response = client_for(pam).get(f"/risks/{register.slug}/export.xlsx")
    book = load_workbook(io.BytesIO(response.content))
    sheet = book.active
    assert sheet.oddHeader.center.text == SENSITIVE
    assert sheet.oddFooter.center.text == SENSITIVE
    assert not any(SENSITIVE in str(cell.value) for row in sheet.iter_rows() for cell in row)
    dashboard = client_for(pam).get("/dashboard/export.xlsx")
    assert load_workbook(io.BytesIO(dashboard.content)).active.oddHeader.center.text == "OFFICIAL"


def test_emails_name_the_marking_and_are_signed_by_the_organisation(
    named, project, alice, django_capture_on_commit_callbacks
):
    project.marking = marking(SENSITIVE)
    project.save()
    report = ReportFactory(project=project, period_start=datetime.date(2024, 3, 1))
    rate(report, Overall="Green")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.submit(report, alice)
    [email] = mail.outbox
    assert email.subject.startswith(f"[{SENSITIVE}] TEST.1 highlight report for March 2024")
    assert email.body.rstrip().endswith("Highlight · Slough Borough Council")


def test_a_long_name_never_pushes_the_marking_off_the_page(named, project):
    """A 200-character organisation and register name wrap the running header; the
    marking still heads and foots every page."""
    named.name = "Royal Borough of " + "Very Long Name " * 12
    named.save()
    register, _ = sources(project)["risk_register"]
    register.name = "Register " + "with a name that goes on " * 7
    register.save()
    pdf, _, _ = render_source("risk_register", register)
    assert_marked_on_every_page(pdf, "OFFICIAL")


def test_a_projects_register_without_a_marking_carries_its_projects(named, project):
    project.marking = marking(SENSITIVE)
    project.save()
    register, _ = sources(project)["risk_register"]
    assert register.marking is None
    pdf, _, _ = render_source("risk_register", register)
    assert_marked_on_every_page(pdf, SENSITIVE)


def test_a_report_page_listing_sensitive_risks_carries_their_marking(client_for, alice, project):
    report, _ = sources(project)["highlight_report"]
    register = project.risk_registers.get()
    banner = 'aria-label="Protective marking">{}</div>'
    assert banner.format("OFFICIAL") in client_for(alice).get(report.get_absolute_url()).text
    register.marking = marking(SENSITIVE)
    register.save()
    for url in (report.get_absolute_url(), project.get_absolute_url()):
        assert banner.format(SENSITIVE) in client_for(alice).get(url).text, url


def test_a_marking_with_an_ampersand_prints_as_written_in_excel(client_for, pam, project):
    rd = MarkingFactory(name="OFFICIAL-SENSITIVE R&D", level=30)
    register = RiskRegisterFactory(project=project, marking=rd)
    response = client_for(pam).get(f"/risks/{register.slug}/export.xlsx")
    header = load_workbook(io.BytesIO(response.content)).active.oddHeader.center.text
    assert header == "OFFICIAL-SENSITIVE R&&D"  # Excel prints && as one &


def test_a_pack_prints_only_the_plan_of_its_own_year(named, pam):
    """A plan without dates is placed by its year label and the organisation's financial
    year; no plan covers 2011, so a 2011 pack prints none (never another year's)."""
    ProjectFactory(code="SOLO")
    BusinessPlanFactory(year="2019-20", title="Plan", status="published")
    params = {"programme": "", "period": "2011-11"}
    text = pdf_text(render_source("board_pack", Portfolio(), params)[0].content)
    assert "Plan 2019-20" not in text
    params = {"programme": "", "period": "2020-02"}  # February 2020 is in 2019-20
    text = pdf_text(render_source("board_pack", Portfolio(), params)[0].content)
    assert "Plan 2019-20" in text
    named.financial_year_start = 1  # a calendar year: February 2020 is in 2020-21
    named.save()
    text = pdf_text(render_source("board_pack", Portfolio(), params)[0].content)
    assert "Plan 2019-20" not in text


@pytest.mark.parametrize("kind", ["highlight_report", "risk_register", "business_plan"])
def test_every_kind_is_a_tagged_pdf(named, project, kind):
    """Screen readers get headings, tables and reading order: PDF/UA-1, as board packs."""
    source, params = sources(project)[kind]
    reader = PdfReader(io.BytesIO(render_source(kind, source, params)[0].content))
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "en-GB"

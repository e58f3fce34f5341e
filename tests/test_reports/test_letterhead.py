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
from reports.rendering import MEDIA_BASE, RefusedURL, StaticOnlyFetcher
from reports.services import approved_copy, render_source, request_document
from tests.factories import (
    BusinessPlanFactory,
    ProgrammeFactory,
    ProjectFactory,
    ReportFactory,
    RiskFactory,
    RiskRegisterFactory,
    marking,
    rate,
)
from tests.pdf import page_edges

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

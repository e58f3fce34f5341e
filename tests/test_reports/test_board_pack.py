import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from pypdf import PdfReader

from projects import workflow
from reports.kinds import get_kind
from reports.kinds.boardpack import Portfolio
from reports.services import render_source, request_document
from tests.factories import ProgrammeFactory, ProjectFactory, ReportFactory, rate
from tests.pdf import pdf_body_text, pdf_text


@pytest.fixture
def seeded(db):
    call_command("seed_demo", allow_live=True, samples_only=True)


def outline(content):
    reader = PdfReader(io.BytesIO(content))
    entries = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                entries.append((depth, item.title, reader.get_destination_page_number(item) + 1))

    walk(reader.outline, 0)
    return entries, reader


def test_portfolio_pack_has_every_approved_report_missing_ones_and_bookmarks(seeded):
    pdf, _, _ = render_source("board_pack", Portfolio(), {"programme": "", "period": "2011-11"})
    text = f"{pdf_text(pdf.content)} {pdf_body_text(pdf.content)}"
    # The SIB November report, approved, in full; SORP and CAP have none for November.
    assert "Safeguarding Improvement Board" in text
    assert "Recruitment to vacant posts to be progressed and future structure planned." in text
    assert "SORPv.1 Statements of Required Management Practice (SORPs) Missing: no report" in text
    # CAP reports as required: with nothing asked for, its report is not "missing".
    assert "CAP Culture Action Plan No report due: it reports as required" in text
    # Summary: each RAG now and before, in words, with the trend.
    assert "Green ▲ improved from Amber" in text and "Amber ► unchanged" in text
    # Risks across every register: the sample register's heat map and top risks.
    assert "Residual risk (4x4 matrix)" in text and "PP_R011" in text and "8 Amber" in text
    entries, reader = outline(pdf.content)
    titles = [(depth, title) for depth, title, _ in entries]
    assert (0, "Portfolio summary") in titles and (0, "Risks") in titles
    assert (1, "Safeguarding Improvement Board") in titles
    page = {title: page for _, title, page in entries}["Safeguarding Improvement Board"]
    assert "Safeguarding Improvement Board" in reader.pages[page - 1].extract_text()
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged for screen readers


def test_programme_pack_has_its_report_and_heat_map_and_no_other_years_plan(seeded):
    pdf, _, _ = render_source(
        "board_pack",
        get_kind("board_pack").resolve({"programme": "CAP", "period": "2024-01"}),
        {"programme": "CAP", "period": "2024-01"},
    )
    text = f"{pdf_text(pdf.content)} {pdf_body_text(pdf.content)}"
    assert "Progress against short term priorities (by April 2024)" in text
    # The only plan is for 2019-20: a January 2024 pack prints none rather than that one.
    assert "SPSO Business Plan" not in text
    assert "No open risks are recorded against these projects." in text


def test_pack_uses_the_approved_version_and_lists_unapproved_reports(db, alice, bob):
    programme = ProgrammeFactory(code="PROG", manager=alice, sponsor=bob)
    approved_project = ProjectFactory(code="A.1", parent=programme, manager=alice, sponsor=bob)
    draft_project = ProjectFactory(code="B.1", parent=programme, manager=alice, sponsor=bob)
    report = ReportFactory(
        project=approved_project,
        period_start=datetime.date(2024, 3, 1),
        summary="What the sponsor approved",
    )
    rate(report, Overall="Red")
    workflow.submit(report, alice)
    workflow.approve(report, bob)
    type(report).objects.filter(pk=report.pk).update(summary="Edited in the database later")
    ReportFactory(project=draft_project, period_start=datetime.date(2024, 3, 1))
    spec = get_kind("board_pack")
    params = {"programme": "PROG", "period": "2024-03"}
    pdf, _, _ = render_source("board_pack", spec.resolve(params), params)
    text = f"{pdf_text(pdf.content)} {pdf_body_text(pdf.content)}"
    assert "What the sponsor approved" in text and "Edited in the database later" not in text
    assert "B.1" in text and "Not approved (draft)" in text
    summary = text[text.index("Portfolio summary") :]
    assert summary.index("A.1") < summary.index("B.1")  # the Red exception first


def test_build_document_makes_a_programmes_pack_or_the_portfolios(seeded, tmp_path):
    call_command(
        "build_document",
        "board_pack",
        "--programme",
        "CAP",
        "--period",
        "2024-01",
        "--out",
        str(tmp_path / "cap.pdf"),
    )
    call_command(
        "build_document",
        "board_pack",
        "--portfolio",
        "--period",
        "2011-11",
        "--out",
        str(tmp_path / "all.pdf"),
    )
    cap = pdf_text((tmp_path / "cap.pdf").read_bytes())
    portfolio = pdf_text((tmp_path / "all.pdf").read_bytes())
    assert "Board pack · Culture Action Plan" in cap and "SIB" not in cap
    assert "Board pack · Portfolio" in portfolio and "SIB" in portfolio


def test_board_packs_are_for_directors_and_the_pmo(seeded, alice, bob, diana):
    programme = ProgrammeFactory(code="PROG", manager=alice, sponsor=bob)
    for user in (alice, bob):
        with pytest.raises(PermissionDenied):
            request_document("board_pack", {"programme": programme.code, "period": "2024-01"}, user)
    assert request_document("board_pack", {"programme": "PROG", "period": "2024-01"}, diana)

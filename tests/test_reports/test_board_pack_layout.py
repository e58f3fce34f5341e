"""A board pack a board secretary would table: a clear outline, no empty pages, "missing"
only where a report was due, trends that read the right way, the meeting on the cover with
the PMO's covering note, and a readable pack however large the portfolio."""

import datetime
import io

import pytest
from django.utils import timezone
from pypdf import PdfReader

from projects import workflow
from projects.models import DatePrecision, Project
from projects.reporting import asks_for_decision
from reports.kinds import get_kind
from reports.models import MonthlyRun
from reports.runs import run_month
from reports.services import render_source
from tests.factories import ProgrammeFactory, ProjectFactory, ReportFactory, rate
from tests.pdf import pdf_body_text, pdf_text

MARCH = datetime.date(2024, 3, 1)


def approved(project, manager, sponsor, month=MARCH, **ratings):
    report = ReportFactory(project=project, period_start=month)
    rate(report, **(ratings or {"Overall": "Green"}))
    workflow.submit(report, manager)
    workflow.approve(report, sponsor)
    return report


def pack(programme="PROG", period="2024-03", **extra):
    params = {"programme": programme, "period": period, **extra}
    spec = get_kind("board_pack")
    source = spec.resolve(params)
    pdf, _, _ = render_source("board_pack", source, spec.params_for(source, params))
    return pdf


def outline(content):
    reader = PdfReader(io.BytesIO(content))
    entries = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                entries.append((depth, item.title))

    walk(reader.outline, 0)
    return entries


@pytest.fixture
def programme(alice, bob):
    return ProgrammeFactory(code="PROG", name="Estates", manager=alice, sponsor=bob)


def test_reports_sit_under_their_own_entry_in_the_outline(programme, alice, bob):
    first = ProjectFactory(code="A.1", name="Library", parent=programme, manager=alice, sponsor=bob)
    second = ProjectFactory(code="B.1", name="Depot", parent=programme, manager=alice, sponsor=bob)
    report = approved(first, alice, bob)
    type(report).objects.filter(pk=report.pk).update(
        approved_snapshot={**report.approved_snapshot, "report": {
            **report.approved_snapshot["report"], "decisions_required": "Agree the budget."}}
    )  # fmt: skip
    approved(second, alice, bob)
    entries = outline(pack(covering_note="Two reports this month.").content)
    titles = [title for _, title in entries]
    assert titles[:5] == [
        "Cover", "Covering note", "Contents", "Portfolio summary", "Decisions and recommendations"
    ]  # fmt: skip
    assert (0, "Highlight reports") in entries
    reports_at = entries.index((0, "Highlight reports"))
    assert entries[reports_at + 1 : reports_at + 3] == [(1, "Library"), (1, "Depot")]
    assert entries[reports_at + 3][0] == 0  # risks follow at the top level


def test_with_no_decision_asked_there_is_no_decisions_page(programme, alice, bob):
    approved(ProjectFactory(code="A.1", parent=programme, manager=alice, sponsor=bob), alice, bob)
    pdf = pack()
    text = pdf_text(pdf.content)
    assert "No report asks the board for a decision this month." in text
    assert "Decisions and recommendations" not in [t for _, t in outline(pdf.content)]
    assert "N/A" not in text
    assert all(
        len(page.extract_text().split()) > 12 for page in PdfReader(io.BytesIO(pdf.content)).pages
    )


def test_missing_only_where_a_report_was_due_and_why_not_otherwise(programme, alice, bob):
    ProjectFactory(code="DUE", parent=programme, manager=alice, sponsor=bob)
    ProjectFactory(
        code="LATER", parent=programme, start=datetime.date(2024, 6, 1),
        start_precision=DatePrecision.MONTH,
    )  # fmt: skip
    ProjectFactory(code="ASK", parent=programme, reporting_cadence=Project.Cadence.AS_REQUIRED)
    ProjectFactory(code="QTR", parent=programme, reporting_cadence=Project.Cadence.QUARTERLY)
    text = pdf_body_text(pack(period="2024-02").content)
    assert "DUE" in text and "Missing: no report for February 2024" in text
    assert "No report due: it starts in June 2024" in text
    assert "No report due: it reports as required" in text
    assert "No report due: it reports quarterly: January – March 2024" in text
    assert text.count("Missing:") == 2  # DUE and the programme itself (monthly, no report)


def test_an_improvement_reads_as_one(programme, alice, bob):
    project = ProjectFactory(code="A.1", parent=programme, manager=alice, sponsor=bob)
    approved(project, alice, bob, month=datetime.date(2024, 2, 1), Overall="Amber", Budget="Green")
    approved(project, alice, bob, Overall="Green", Budget="Red")
    text = pdf_text(pack().content)
    assert "Green ▲ improved from Amber" in text
    assert "Red ▼ worse than Green" in text
    assert "▼ better" not in text


def test_the_cover_names_the_meeting_and_the_note_follows(programme, alice, bob):
    approved(ProjectFactory(code="A.1", parent=programme, manager=alice, sponsor=bob), alice, bob)
    pdf = pack(
        meeting="Corporate Management Team", meeting_date="2024-04-16", agenda_item="6.2",
        author="Sam Patel, PMO Manager", covering_note="**Recommendation**: note the report.",
    )  # fmt: skip
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages]
    cover = " ".join(pages[0].split())
    assert "Meeting Corporate Management Team" in cover
    assert "Date 16/04/2024" in cover and "Agenda item 6.2" in cover
    assert "Author Sam Patel, PMO Manager" in cover
    assert cover.count("Generated") == 1  # in the footer, not on the cover itself
    assert "Recommendation: note the report." in " ".join(pages[1].split())


def test_a_pack_asked_for_plainly_prints_no_meeting(programme, alice, bob):
    approved(ProjectFactory(code="A.1", parent=programme, manager=alice, sponsor=bob), alice, bob)
    text = pdf_text(pack().content)
    assert "Meeting" not in text and "Agenda item" not in text and "Covering note" not in text


def test_the_monthly_run_puts_the_next_meeting_and_the_note_on_its_packs(
    programme, alice, bob, django_capture_on_commit_callbacks
):
    approved(ProjectFactory(code="A.1", parent=programme, manager=alice, sponsor=bob), alice, bob)
    MonthlyRun.objects.create(
        meeting="Programme Board", meeting_dates="01/01/2020\n16/04/2099\n01/06/2099",
        covering_note="All on track.", portfolio_pack=False,
    )  # fmt: skip
    run = run_month(MARCH)
    [document] = run.documents.filter(kind="board_pack")
    assert document.params["meeting"] == "Programme Board"
    assert document.params["meeting_date"] == "2099-04-16"  # the first still to come
    assert document.params["covering_note"] == "All on track."


def test_a_large_portfolio_prints_exceptions_in_full_and_the_rest_as_rows(programme, alice, bob):
    projects = [
        ProjectFactory(
            code=f"P{i:02}", name=f"Scheme {i}", parent=programme, manager=alice, sponsor=bob
        )  # fmt: skip
        for i in range(21)
    ]
    for project in projects[1:]:
        approved(project, alice, bob)
    approved(projects[0], alice, bob, Overall="Red")
    entries = outline(pack().content)
    reports = [title for depth, title in entries if depth == 1]
    assert reports == ["Scheme 0"]  # the Red one in full; twenty Greens as rows
    text = pdf_text(pack().content)
    assert "the pack prints in full only the exceptions' reports" in text
    assert "P20" in text  # every project still has its row
    everything = [t for d, t in outline(pack(full=True).content) if d == 1]
    assert len(everything) == 21


def test_a_report_answering_n_a_asks_the_board_for_nothing(programme, alice, bob):
    report = approved(ProjectFactory(code="A.1", parent=programme, manager=alice, sponsor=bob),
                      alice, bob)  # fmt: skip
    snapshot = report.approved_snapshot
    snapshot["report"]["decisions_required"] = "N/A"
    type(report).objects.filter(pk=report.pk).update(approved_snapshot=snapshot)
    pdf = pack()
    assert "No report asks the board for a decision this month." in pdf_text(pdf.content)
    assert "Decisions and recommendations" not in [t for _, t in outline(pdf.content)]


def test_a_project_ending_in_a_year_is_due_all_that_year(programme):
    ProjectFactory(code="YEAR", parent=programme, end=datetime.date(2024, 1, 1),
                   end_precision=DatePrecision.YEAR)  # fmt: skip
    text = pdf_body_text(pack(period="2024-02").content)
    assert "it ended in 2024" not in text
    assert "Missing: no report for February 2024" in text.split("YEAR")[1][:120]


def test_a_report_not_yet_due_is_not_missing(programme, settings):
    ProjectFactory(code="SOON", parent=programme, report_due_working_days=10)
    this_month = timezone.localdate().replace(day=1)
    text = pdf_body_text(pack(period=this_month.strftime("%Y-%m")).content)
    assert "SOON" in text and "No report due: it is due on" in text
    assert "Missing: no report" not in text.split("SOON")[1][:80]


@pytest.mark.parametrize(
    "written", ["- N/A", "* None", "**N/A**", "No decisions required.", "n/a.", "None this month"]
)
def test_ways_of_asking_for_nothing(written):
    assert not asks_for_decision(written)


@pytest.mark.parametrize("written", ["Agree the budget.", "- Note the report\n- Approve the plan"])
def test_ways_of_asking_for_something(written):
    assert asks_for_decision(written)


def test_a_blank_covering_note_is_no_covering_note(programme):
    spec = get_kind("board_pack")
    plain = spec.params_for(programme, {"period": "2024-03"})
    blank = spec.params_for(programme, {"period": "2024-03", "covering_note": "   "})
    assert plain == blank


def test_standalone_documents_have_an_outline(project):
    report = ReportFactory(project=project, period_start=MARCH, summary="Going well.")
    entries = outline(render_source("highlight_report", report)[0].content)
    assert (0, project.name) in entries and (1, "Summary") in entries

"""Each sample report, loaded by seed_demo and printed, carries every value of the sample."""

import re

import pytest
from django.core.management import call_command

from projects import demo
from projects.models import HighlightReport
from reports.kinds import get_kind
from reports.services import render_source
from tests.pdf import pdf_body_text, pdf_text


@pytest.fixture
def seeded(db):
    call_command("seed_demo", allow_live=True, samples_only=True)


def printed(code, month):
    report = get_kind("highlight_report").resolve({"project": code, "period": month})
    pdf, _, _ = render_source("highlight_report", report)
    return f"{pdf_text(pdf.content)} || {pdf_body_text(pdf.content)}"


def phrases(markdown):
    """The sentences a Markdown text prints, without its markup, one per line or bullet."""
    text = re.sub(r"</?sup>", "", markdown).replace("**", "").replace("*", "")
    lines = [re.sub(r"^(#+|-)\s*", "", line).strip() for line in text.splitlines()]
    return [" ".join(line.split()) for line in lines if line]


def assert_all_in(text, values):
    missing = [value for value in values if value not in text]
    assert not missing, f"missing from the PDF: {missing}"


def test_sorp_report_pdf_carries_every_field_of_the_sample(seeded):
    text = printed("SORPv.1", "2011-08")
    assert_all_in(
        text,
        [
            "SORPv.1",
            "Statements of Required Management Practice (SORPs)",
            "Delivery Assurance Team – 7th September",
            "Joss Foster, Director of Business Strategy",
            "Liz Sanderson, Business Strategy",
            "30/08/2011",
            *phrases(demo.PROJECT["benefits"]),
            *phrases(demo.PROJECT["objectives"]),
            *phrases(demo.PROJECT["approach"]),
            *phrases(demo.REPORT["next_period"]),
            *phrases(demo.REPORT["achievements"]),
            *phrases(demo.REPORT["risks_narrative"]),
        ],
    )
    for concern, countermeasure in demo.CONCERNS:
        assert_all_in(text, [f"{concern} {countermeasure}"])
    # The sample has no RAG: one line says so, not a table of "Not rated".
    assert "No RAG status was given for this period." in text
    assert "Not rated" not in text
    assert "Not yet agreed and authorised by the Project Sponsor" in text


def test_safeguarding_report_pdf_carries_every_field_of_the_sample(seeded):
    text = printed("SIB", "2011-11")
    assert_all_in(
        text,
        [
            "SIB",
            "Safeguarding Improvement Board",
            "Clair Pyper",
            "Keren Bailey",
            "Wards affected – All",
            "07/12/2011",
            "Project start June 2011",
            "Anticipated end 2013",
            "15% complete",
            "Agreed by sponsor? Yes",
            "Agreed and authorised by the Project Sponsor: Clair Pyper, 07/12/2011",
            "recommendations for CMT N/A",
            *demo.SIB_WORKSTREAMS,
            *phrases(demo.SIB_REPORT["next_period"]),
            *phrases(demo.SIB_REPORT["risks_narrative"]),
            *phrases(demo.SIB_REPORT["issues"]),
        ],
    )
    for achievements, next_steps in demo.SIB_PROGRESS:
        assert_all_in(text, phrases(achievements) + phrases(next_steps))
    # Each RAG value this period, then the previous month's as the report states it.
    assert_all_in(
        text,
        [
            "Overall Amber Amber",
            "Timeline Amber Amber",
            "Budget Green Amber",
            "Issues & Risks Amber Amber",
        ],
    )


def test_culture_programme_pdf_carries_every_field_of_the_sample(seeded):
    text = printed("CAP", "2024-01")  # any month of October 2023 – February 2024
    assert_all_in(
        text,
        [
            "Culture Action Plan",
            "Strategic Highlight Report",
            "Derek James, DCFO",
            "October 2023 – February 2024",
            "Overall status On Track",
            "Progress against short term priorities (by April 2024)",
            *phrases(demo.CAP_REPORT["summary"]),
            *phrases(demo.CAP_REPORT["governance"]),
            *phrases(demo.CAP_REPORT["achievements"]),
            *phrases(demo.CAP_REPORT["communication"]),
            *phrases(demo.CAP_REPORT["issues"]),
            *phrases(demo.CAP_REPORT["risks_narrative"]),
            *phrases(demo.CAP_REPORT["next_period"]),
        ],
    )
    labels = {
        "complete": "Complete",
        "in_progress": "In progress",
        "not_started": "Not yet started",
    }
    for theme, deliverable, status in demo.CAP_DELIVERABLES:
        assert_all_in(text, [theme, f"{deliverable} {labels[status]}"])


def test_demo_reports_are_found_by_any_month_they_cover(seeded):
    report = HighlightReport.objects.get(project__code="CAP")
    for month in ("2023-10", "2023-12", "2024-02"):
        assert get_kind("highlight_report").resolve({"project": "CAP", "period": month}) == report

"""A highlight report prints what was written and no empty furniture: no table of "Not
rated", no rows of dashes, the overall RAG standing in for a missing status word, and
superscripts as the writer meant them."""

import datetime

from reports.services import render_source
from tests.factories import BusinessPlanFactory, ReportFactory, rate
from tests.pdf import pdf_text


def printed(report):
    return pdf_text(render_source("highlight_report", report)[0].content)


def test_an_unrated_report_says_so_in_one_line(project):
    report = ReportFactory(project=project, period_start=datetime.date(2024, 3, 1))
    text = printed(report)
    assert "No RAG status was given for this period." in text
    assert "Not rated" not in text


def test_empty_rows_are_left_out(project):
    project.distribution = ""
    project.save()
    report = ReportFactory(project=project, period_start=datetime.date(2024, 3, 1))
    pdf = render_source("highlight_report", report)[0]
    for label in ("Programme", "Distribution", "Overall status", "Complete", "Area"):
        assert f"<th>{label}</th>" not in pdf.html, label  # (a job title may say Programme)
    facts = pdf_text(pdf.content).split("RAG status")[0]
    assert "—" not in facts  # no dashes standing for nothing


def test_overall_status_falls_back_to_the_overall_rag(project):
    report = ReportFactory(project=project, period_start=datetime.date(2024, 3, 1), status_word="")
    rate(report, Overall="Amber")
    assert "Overall status Amber" in printed(report)
    report.status_word = "On Track"
    report.save()
    assert "Overall status On Track" in printed(report)


def test_ordinals_typed_or_pasted_in_plain_fields_print_as_superscripts(project):
    project.distribution = "Delivery Assurance Team – 7th September, then the 2<sup>nd</sup> board"
    project.area = "<script>alert(1)</script> Wards 1st to 3rd"
    project.save()
    report = ReportFactory(project=project, period_start=datetime.date(2024, 3, 1))
    html = render_source("highlight_report", report)[0].html
    assert "7<sup>th</sup> September" in html and "2<sup>nd</sup> board" in html
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "1<sup>st</sup> to 3<sup>rd</sup>" in html
    assert "Delivery Assurance Team – 7th September, then the 2nd board" in printed(report)


def test_a_plan_titled_with_its_year_prints_the_year_once(db):
    plan = BusinessPlanFactory(title="SPSO Business Plan 2023-24", year="2023-24")
    text = pdf_text(render_source("business_plan", plan, {"internal": False})[0].content)
    assert "SPSO Business Plan 2023-24" in text
    assert "2023-24 2023-24" not in text
    other = BusinessPlanFactory(title="Corporate Plan", year="2024-25")
    assert str(other) == "Corporate Plan 2024-25"

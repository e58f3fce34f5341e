import datetime

from projects import workflow
from projects.models import RagStatus
from projects.reporting import missing_rag_comments, previous_ratings
from reports.services import render_source
from tests.factories import ReportFactory, rate
from tests.pdf import pdf_text


def approved_report(project, month, manager, sponsor, **ratings):
    report = ReportFactory(project=project, period_start=month)
    rate(report, **ratings)
    workflow.submit(report, manager)
    return workflow.approve(report, sponsor)


def names(ratings):
    return {r.dimension.name: r.status.name if r.status else None for r in ratings.values()}


def test_previous_rag_comes_from_the_last_approved_report(project, alice, bob):
    approved_report(project, datetime.date(2024, 1, 1), alice, bob, Overall="Green")
    approved_report(project, datetime.date(2024, 2, 1), alice, bob, Overall="Red", Budget="Amber")
    unapproved = ReportFactory(project=project, period_start=datetime.date(2024, 3, 1))
    rate(unapproved, Overall="Blue", Budget="Amber")
    workflow.submit(unapproved, alice)
    current = ReportFactory(project=project, period_start=datetime.date(2024, 4, 1))

    assert names(previous_ratings(current)) == {
        "Overall": "Red",
        "Timeline": None,
        "Budget": "Amber",
        "Issues & Risks": None,
    }


def test_later_reports_and_other_projects_do_not_count(project, other_project, alice, bob):
    current = ReportFactory(project=project, period_start=datetime.date(2024, 4, 1))
    approved_report(project, datetime.date(2024, 5, 1), alice, bob, Overall="Red")
    other = other_project
    approved_report(other, datetime.date(2024, 3, 1), other.manager, other.sponsor, Overall="Red")
    assert previous_ratings(current) == {}


def test_report_page_shows_last_periods_rag_beside_this_one(client_for, project, alice, bob):
    approved_report(project, datetime.date(2024, 1, 1), alice, bob, Overall="Amber")
    current = ReportFactory(project=project, period_start=datetime.date(2024, 2, 1))
    rate(current, Overall="Green")
    page = client_for(alice).get(current.get_absolute_url()).content.decode()
    overall_row = page[page.index('<th scope="row" class="dimension">Overall') :]
    overall_row = overall_row[: overall_row.index("</tr>")]
    assert overall_row.index("Green") < overall_row.index("Amber")
    edit = client_for(alice).get(current.get_absolute_url() + "edit/").content.decode()
    overall_row = edit[edit.index('<th scope="row" class="dimension">Overall') :]
    last_period_cell = overall_row[overall_row.index("<td>") : overall_row.index("</td>")]
    assert "Amber" in last_period_cell  # the badge, not the drop-down of statuses


def test_a_report_states_last_periods_rag_and_its_words_stand(client_for, project, alice, bob):
    current = ReportFactory(project=project, period_start=datetime.date(2024, 2, 1))
    rate(current, Overall="Green")
    amber = RagStatus.objects.get(name="Amber")
    current.ratings.filter(dimension__name="Overall").update(stated_previous=amber, comment="")
    assert names(previous_ratings(current))["Overall"] == "Amber"
    # A change from what it states needs its reason, as a change from a report would.
    assert missing_rag_comments(current)
    page = client_for(alice).get(current.get_absolute_url()).text
    assert "Previous month" in page and "No approved report" not in page
    # A report approved later for an earlier period does not overrule what the report
    # says of its own last period; the lines it states nothing of come from that report.
    approved_report(project, datetime.date(2024, 1, 1), alice, bob, Overall="Red", Budget="Red")
    assert names(previous_ratings(current))["Overall"] == "Amber"
    assert names(previous_ratings(current))["Budget"] == "Red"
    pdf = pdf_text(render_source("highlight_report", current)[0].content)
    assert "Overall Green Amber" in pdf and "Budget" in pdf


def test_the_dashboard_reads_last_periods_rag_as_the_report_states_it(
    client_for, project, alice, bob, diana
):
    report = approved_report(project, datetime.date(2024, 2, 1), alice, bob, Overall="Green")
    amber = RagStatus.objects.get(name="Amber")
    report.ratings.filter(dimension__name="Overall").update(stated_previous=amber)
    page = client_for(diana).get("/dashboard/?month=2024-02").text
    row = page[page.rindex("<tr", 0, page.index(f">{project.code}</a>")) :]
    row = row[: row.index("</tr>")]
    assert "was Amber" in row  # as the report and its PDF say
    assert row.startswith('<tr class="exception">')  # a change, so an exception
    # An earlier report approved afterwards does not change what the report said.
    approved_report(project, datetime.date(2024, 1, 1), alice, bob, Overall="Red")
    page = client_for(diana).get("/dashboard/?month=2024-02").text
    assert "was Amber" in page and "was Red" not in page


def test_a_line_unchanged_from_what_the_report_states_is_no_exception(
    client_for, project, alice, bob, diana
):
    approved_report(project, datetime.date(2024, 1, 1), alice, bob, Overall="Red")
    report = approved_report(project, datetime.date(2024, 2, 1), alice, bob, Overall="Green")
    green = RagStatus.objects.get(name="Green")
    report.ratings.filter(dimension__name="Overall").update(stated_previous=green)
    page = client_for(diana).get("/dashboard/?month=2024-02").text
    row = page[page.rindex("<tr", 0, page.index(f">{project.code}</a>")) :]
    assert not row.startswith('<tr class="exception">')  # Green, as it says it was
    assert "was Red" not in row[: row.index("</tr>")]

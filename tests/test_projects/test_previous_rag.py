import datetime

from projects import workflow
from projects.models import RagStatus
from projects.reporting import missing_rag_comments, previous_ratings
from tests.factories import ReportFactory, rate


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


def test_a_report_states_last_periods_rag_until_the_report_before_it_is_in_highlight(
    client_for, project, alice, bob
):
    current = ReportFactory(project=project, period_start=datetime.date(2024, 2, 1))
    rate(current, Overall="Green")
    amber = RagStatus.objects.get(name="Amber")
    current.ratings.filter(dimension__name="Overall").update(stated_previous=amber, comment="")
    assert names(previous_ratings(current))["Overall"] == "Amber"
    # A change from what it states needs its reason, as a change from a report would.
    assert missing_rag_comments(current)
    page = client_for(alice).get(current.get_absolute_url()).text
    assert "Previous month" in page and "No approved report" not in page
    # Once the report before it is in Highlight, that report's rating is last period's.
    approved_report(project, datetime.date(2024, 1, 1), alice, bob, Overall="Red")
    assert names(previous_ratings(current))["Overall"] == "Red"


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

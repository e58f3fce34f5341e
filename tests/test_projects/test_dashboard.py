import datetime
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from projects import dashboard
from projects.models import (
    HighlightReport,
    Project,
    RagDimension,
    RagRating,
    RagStatus,
)
from projects.periods import month_end
from projects.workflow import approve, reopen, submit
from tests.factories import (
    ProgrammeFactory,
    ProjectFactory,
    RagDimensionFactory,
    RagRatingFactory,
    ReportFactory,
    UserFactory,
)
from tests.forms import read_form

D = datetime.date
APPROVED = HighlightReport.Status.APPROVED


def make_portfolio(count, manager, sponsor, programme=None, overall=("Green", "Green")):
    """`count` projects, each with approved February and March 2024 reports whose Overall
    RAG is `overall` (February, March), in a handful of bulk inserts."""
    projects = Project.objects.bulk_create(
        Project(code=f"P{Project.objects.count() + i:04d}", name=f"Project {i}",
                manager=manager, sponsor=sponsor, parent=programme, start=D(2024, 1, 1))
        for i in range(count)
    )  # fmt: skip
    reports = HighlightReport.objects.bulk_create(
        HighlightReport(project=p, period_start=D(2024, m, 1), period_end=month_end(D(2024, m, 1)),
                        status=APPROVED, first_submitted_at=datetime.datetime(2024, m + 1, 2,
                        tzinfo=datetime.UTC))
        for p in projects
        for m in (2, 3)
    )  # fmt: skip
    statuses = {s.name: s for s in RagStatus.objects.all()}
    dimensions = list(RagDimension.objects.all())
    RagRating.objects.bulk_create(
        RagRating(report=r, dimension=d,
                  status=statuses[overall[r.period_start.month - 2]] if d.order == 0
                  else statuses["Green"], comment="Because")
        for r in reports
        for d in dimensions
    )  # fmt: skip
    return projects


def dashboard_queries(client, url):
    """Queries of a dashboard worked out afresh (the cache emptied, as after a change)."""
    client.get(url)
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


def test_dashboard_queries_are_the_same_for_10_and_200_projects(client_for, diana, alice, bob):
    client = client_for(diana)
    programme = ProgrammeFactory(code="PROG", manager=alice, sponsor=bob)
    make_portfolio(10, alice, bob, programme)
    at_10, _ = dashboard_queries(client, "/dashboard/?month=2024-03")
    make_portfolio(190, alice, bob, programme, overall=("Green", "Red"))
    at_200, response = dashboard_queries(client, "/dashboard/?month=2024-03")
    assert at_10 == at_200
    # session, user, groups; filter choices: statuses, programmes, sponsors, managers;
    # overall dimension, count, the page of projects (positions computed in SQL),
    # dimensions, ratings now and before, their reports, trend; programme punctuality:
    # programmes, their projects, first reports, reports in the year; the organisation and
    # the highest marking in use (the banner), each cached until changed
    assert at_200 == 20
    page = response.content.decode()
    assert "201 projects, page 1 of 5" in page  # 200 and the programme itself
    assert page.count('<tr class="exception">') == 50  # the 190 Reds come first


def projects_table(response):
    return response.content.decode().split("<tbody>")[1].split("</tbody>")[0]


def test_dashboard_is_read_from_the_cache_until_something_it_shows_changes(
    client_for, diana, pam, alice, bob
):
    project = make_portfolio(1, alice, bob, overall=("Green", "Red"))[0]
    client = client_for(diana)
    url = "/dashboard/?month=2024-03"
    worked_out, first = dashboard_queries(client, url)
    with CaptureQueriesContext(connection) as queries:
        cached = client.get(url)
    assert len(queries) < worked_out and len(queries) <= 3  # session, user, groups
    assert projects_table(cached) == projects_table(first)
    assert "March 2024" in projects_table(cached) and "was Green" in projects_table(cached)
    # The PMO reopens the March report: February's is the latest approved one at once.
    march = HighlightReport.objects.get(project=project, period_start=D(2024, 3, 1))
    february = HighlightReport.objects.get(project=project, period_start=D(2024, 2, 1))
    assert march.get_absolute_url() in projects_table(cached)
    reopen(march, pam, "Typo")
    table = projects_table(client.get(url))
    assert february.get_absolute_url() in table and march.get_absolute_url() not in table
    assert "March 2024: no approved report" in table and 'class="exception"' not in table


def test_signing_in_keeps_the_cached_dashboard(client_for, diana, olive, alice, bob):
    make_portfolio(1, alice, bob)
    client_for(diana).get("/dashboard/?month=2024-03")
    version = dashboard.data_version()
    client_for(olive)  # signs in: last_login saved
    assert dashboard.data_version() == version
    olive.first_name = "Olivia"
    olive.save()  # a name the dashboard may show
    assert dashboard.data_version() != version


def test_made_up_parameters_share_the_cached_page(client_for, diana, alice, bob):
    make_portfolio(1, alice, bob)
    client = client_for(diana)
    client.get("/dashboard/?month=2024-03")
    with CaptureQueriesContext(connection) as queries:
        client.get("/dashboard/?month=2024-03&utm=1&x=2")
    assert len(queries) <= 3


def test_exceptions_come_first(client_for, diana, alice, bob):
    calm = make_portfolio(1, alice, bob)[0]
    red = make_portfolio(1, alice, bob, overall=("Red", "Red"))[0]
    improved = make_portfolio(1, alice, bob, overall=("Amber", "Green"))[0]
    never = ProjectFactory(code="ZNONE", manager=alice, sponsor=bob)
    html = client_for(diana).get("/dashboard/?month=2024-03").content.decode()
    order = [html.index(f">{p.code}</a>") for p in (red, improved, never, calm)]
    assert order == sorted(order)
    assert "was Amber" in html


@pytest.mark.parametrize(
    "query, expected",
    [
        ("rag={red}", {"RED"}),
        ("rag=none", {"NONE", "OTHERS", "PROG"}),
        ("programme={programme}", {"INPROG"}),
        ("manager={other}", {"OTHERS"}),
        ("sponsor={other}", {"OTHERS"}),
    ],
)
def test_dashboard_filters(client_for, diana, alice, bob, query, expected):
    other = UserFactory(username="otto")
    programme = ProgrammeFactory(code="PROG", manager=alice, sponsor=bob)
    for code, kwargs in [
        ("RED", {"overall": ("Red", "Red")}),
        ("INPROG", {"programme": programme}),
    ]:
        project = make_portfolio(1, alice, bob, **kwargs)[0]
        Project.objects.filter(pk=project.pk).update(code=code)
    ProjectFactory(code="NONE", manager=alice, sponsor=bob)
    ProjectFactory(code="OTHERS", manager=other, sponsor=other)
    red = RagStatus.objects.get(name="Red").pk
    url = "/dashboard/?month=2024-03&" + query.format(
        red=red, programme=programme.pk, other=other.pk
    )
    html = client_for(diana).get(url).content.decode()
    shown = {
        code
        for code in ("RED", "INPROG", "NONE", "OTHERS", "PROG")
        if f">{code}</a>" in html.split("<tbody>")[1].split("</tbody>")[0]
    }
    assert shown == expected


def test_export_is_what_is_shown_in_a_spreadsheet(client_for, diana, alice, bob):
    make_portfolio(3, alice, bob, overall=("Green", "Red"))
    make_portfolio(2, alice, bob)
    red = RagStatus.objects.get(name="Red").pk
    response = client_for(diana).get(f"/dashboard/export.xlsx?month=2024-03&rag={red}")
    assert response["Content-Disposition"] == 'attachment; filename="portfolio-2024-03.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Portfolio position as at March 2024"
    assert rows[1][0] == "Filters: Overall RAG: Red"
    header = rows[3]
    assert header[:3] == ("Code", "Project", "Programme")
    data = rows[4:]
    assert len(data) == 3
    overall_now = header.index("Overall now")
    assert {row[overall_now] for row in data} == {"Red"}
    assert {row[header.index("Overall before")] for row in data} == {"Green"}
    assert all(row[header.index("Changed")] == "Yes" for row in data)
    assert "Mar 2024 Red" in data[0][-1] and "Feb 2024 Green" in data[0][-1]


def test_trend_shows_each_month_in_words(client_for, diana, alice, bob):
    make_portfolio(1, alice, bob, overall=("Amber", "Red"))
    html = client_for(diana).get("/dashboard/?month=2024-03").content.decode()
    assert "<title>February 2024: Amber</title>" in html
    assert "<title>March 2024: Red</title>" in html
    assert "<title>January 2024: no approved report</title>" in html
    assert "Feb 2024 Amber, Mar 2024 Red" in html  # the label screen readers read


def test_programme_on_time_rate(client_for, diana, alice, bob):
    programme = ProgrammeFactory(code="PROG", manager=alice, sponsor=bob)
    projects = make_portfolio(2, alice, bob, programme)
    # One project submitted March late (due 8 April 2024; submitted 20 April).
    HighlightReport.objects.filter(project=projects[0], period_start=D(2024, 3, 1)).update(
        first_submitted_at=datetime.datetime(2024, 4, 20, tzinfo=datetime.UTC)
    )
    html = client_for(diana).get("/dashboard/?month=2024-03").content.decode()
    # January (no reports), February and March due for each project: 6 due, 3 on time.
    assert "50% (3 of 6 reports)" in html


def test_programme_page_lists_its_projects_latest_status(client_for, olive, alice, bob):
    programme = ProgrammeFactory(code="PROG", manager=alice, sponsor=bob)
    make_portfolio(3, alice, bob, programme, overall=("Green", "Amber"))
    client = client_for(olive)
    count_small, _ = dashboard_queries(client, "/projects/PROG/")
    make_portfolio(20, alice, bob, programme)
    count_large, response = dashboard_queries(client, "/projects/PROG/")
    assert count_small == count_large
    html = response.content.decode()
    assert "Projects in this programme" in html and html.count("March 2024") >= 23


def test_export_keeps_user_text_inert(client_for, diana, alice, bob):
    project = make_portfolio(1, alice, bob)[0]
    Project.objects.filter(pk=project.pk).update(name='=HYPERLINK("http://x","y")\x0b')
    HighlightReport.objects.filter(project=project).update(status_word="+SUM(A1:A9)")
    response = client_for(diana).get("/dashboard/export.xlsx?month=2024-03")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    row = list(sheet.iter_rows(min_row=5, max_row=5))[0]
    assert row[1].value == '\'=HYPERLINK("http://x","y")' and row[1].data_type == "s"
    assert row[6].value == "'+SUM(A1:A9)" and row[6].data_type == "s"


def test_a_first_rating_or_a_hidden_dimension_is_not_an_exception(client_for, diana, alice, bob):
    project = make_portfolio(1, alice, bob)[0]
    new = RagDimensionFactory(name="Benefits", order=9)
    hidden = RagDimensionFactory(name="Legacy", order=10, active=False)
    march = HighlightReport.objects.get(project=project, period_start=D(2024, 3, 1))
    RagRatingFactory(report=march, dimension=new, status=RagStatus.objects.get(name="Green"))
    RagRatingFactory(report=march, dimension=hidden, status=RagStatus.objects.get(name="Red"))
    html = client_for(diana).get("/dashboard/?month=2024-03").content.decode()
    assert '<tr class="exception">' not in html


def test_drafts_saved_all_month_keep_the_cached_dashboard_until_one_is_approved(
    client_for, diana, alice, bob
):
    """Month-end: managers save drafts several times a minute. The dashboard shows approved
    reports only, so its cache stays for every reader until a report is approved."""
    project = make_portfolio(1, alice, bob)[0]
    april = ReportFactory(project=project, period_start=D(2024, 4, 1), rated=True)
    director, url = client_for(diana), "/dashboard/?month=2024-04"
    before = projects_table(director.get(url))
    edit = april.get_absolute_url() + "edit/"
    manager = client_for(alice)
    fields = read_form(manager, edit).fields
    saved = manager.post(edit, {**fields, "summary": "A new summary"})
    assert saved.status_code == 302 and HighlightReport.objects.get(pk=april.pk).version == 2
    with CaptureQueriesContext(connection) as queries:
        cached = director.get(url)
    assert len(queries) <= 3 and projects_table(cached) == before  # read from the cache
    april.refresh_from_db()
    submit(april, alice)
    with CaptureQueriesContext(connection) as queries:
        director.get(url)
    assert len(queries) <= 3  # submitted: still not the portfolio's agreed position
    approve(april, bob)
    table = projects_table(director.get(url))
    assert april.get_absolute_url() in table and "April 2024" in table
    assert table != before


def test_a_draft_loaded_raw_by_loaddata_still_empties_the_cache(alice, bob):
    """loaddata (raw) writes rows whatever they held before: it is not a manager's save."""
    project = make_portfolio(1, alice, bob)[0]
    draft = ReportFactory(project=project, period_start=D(2024, 4, 1))
    version = dashboard.data_version()
    post_save.send(HighlightReport, instance=draft, created=False, raw=True, update_fields=None)
    assert dashboard.data_version() != version
    version = dashboard.data_version()
    post_save.send(HighlightReport, instance=draft, created=False, raw=False, update_fields=None)
    assert dashboard.data_version() == version  # a draft saved: nothing shown changed

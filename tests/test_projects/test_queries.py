"""Pages cost a fixed number of queries, however many reports, ratings or concerns."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext

from projects import workflow
from tests.factories import ConcernFactory, ProjectFactory, ReportFactory


def count_queries(client, url):
    client.get(url)  # warm the per-process caches (content types) first
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries), [q["sql"] for q in queries]


def approved_reports(project, months, manager, sponsor):
    for month in range(1, months + 1):
        report = ReportFactory(project=project, period_start=datetime.date(2023, month, 1))
        ConcernFactory(report=report)
        workflow.submit(report, manager)
        workflow.approve(report, sponsor)


def test_project_page_queries_do_not_grow_with_reports(client_for, project, alice, bob):
    client = client_for(alice)
    approved_reports(project, 2, alice, bob)
    few, _ = count_queries(client, project.get_absolute_url())
    approved_reports_later = [
        ReportFactory(project=project, period_start=datetime.date(2024, m, 1)) for m in range(1, 9)
    ]
    many, sql = count_queries(client, project.get_absolute_url())
    assert len(approved_reports_later) == 8
    assert few == many, sql
    # session, user, project (with people), is-editor check, whom they deputise for,
    # groups, reports, their ratings, workstreams; its registers' markings (the banner)
    assert many == 11, "\n".join(sql)  # and its overdue actions (issue 20)


def test_report_page_queries_do_not_grow_with_concerns(client_for, project, alice, bob):
    client = client_for(alice)
    approved_reports(project, 1, alice, bob)
    report = ReportFactory(project=project, period_start=datetime.date(2023, 6, 1), rated=True)
    ConcernFactory(report=report)
    few, _ = count_queries(client, report.get_absolute_url())
    for _ in range(10):
        ConcernFactory(report=report)
    many, sql = count_queries(client, report.get_absolute_url())
    assert few == many, sql
    # session, user, project, is-editor check, groups, report, previous report, its ratings,
    # ratings, latest PDF (content type is cached), concerns, workstreams, deliverables,
    # top risks: matrices, their bands, the risks; the report template (a draft's headings);
    # the registers' markings (the banner); who wrote the report and the sponsor's groups
    # (separation of duties: may the sponsor approve it?); whom the reader deputises for
    assert many == 24, "\n".join(sql)  # 21; key milestones, money, RAID log (issue 20)


def test_home_page_queries_do_not_grow_with_projects(client_for, project, alice, bob):
    client = client_for(alice)
    approved_reports(project, 3, alice, bob)
    few, _ = count_queries(client, "/")
    for _ in range(6):
        ReportFactory(project=ProjectFactory(manager=alice, sponsor=bob))
    many, sql = count_queries(client, "/")
    assert few == many, sql
    # session, user, groups (menu); reports due: my projects, their first reports, their
    # recent reports; whom they deputise for; lists: to approve, to fix, to write, with the
    # sponsor, my projects
    assert many == 12, "\n".join(sql)

"""The living demo organisation seed_demo builds beside the samples (reports/demo/): a
council's programmes and projects whose reports end last month whatever the day, last
month in every state, a reason on every RAG line that needs one, risks outside appetite,
and last month's board packs rendered once."""

import datetime
import io
from pathlib import Path
from unittest import mock

import pytest
import time_machine
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from projects import schedule
from projects.models import HighlightReport, Organisation, Project, User
from projects.periods import add_months, month_end
from projects.reporting import missing_rag_comments, unexplained
from reports import worker
from reports.demo import people, portfolio
from reports.models import Document, ReportingRun
from risks.models import Risk
from risks.scoring import beyond_appetite

LIVING = list(portfolio.SPECS)
Status = HighlightReport.Status


def seed_on(day):
    """seed_demo as a newcomer runs it on `day`, mid-morning in London."""
    moment = timezone.make_aware(datetime.datetime(*day, 10, 30))
    with time_machine.travel(moment, tick=False):
        call_command("seed_demo", allow_live=True, stdout=io.StringIO())


def sign_in(client, username):
    client.logout()
    client.post("/accounts/login/", {"username": username, "password": settings.DEMO_PASSWORD})


def living_reports():
    return HighlightReport.objects.filter(project__code__in=LIVING).select_related("project")


@pytest.mark.parametrize("day", [(2026, 3, 2), (2027, 8, 31)])
def test_the_portfolio_reports_to_last_month_whatever_the_day(db, day):
    seed_on(day)
    last_month = add_months(datetime.date(*day), -1)
    projects = Project.objects.filter(code__in=LIVING)
    assert projects.filter(kind=Project.Kind.PROGRAMME).count() == 3
    assert 20 <= projects.filter(kind=Project.Kind.PROJECT).count() <= 30
    assert Organisation.current().name == portfolio.ORGANISATION  # the migration left it empty
    # Eighteen months of reports, ending last month: every programme wrote one each month.
    for programme in projects.filter(kind=Project.Kind.PROGRAMME):
        months = sorted(programme.reports.values_list("period_start", flat=True))
        assert months == [add_months(last_month, -n) for n in range(17, -1, -1)]
    assert max(r.period_end for r in living_reports()) == month_end(last_month)
    # Every cadence, closed projects and one not started yet.
    cadences = set(projects.values_list("reporting_cadence", flat=True))
    assert cadences == {"monthly", "quarterly", "as_required"}
    assert projects.filter(status=Project.Status.CLOSED).count() >= 2
    not_started = projects.get(start__gt=datetime.date(*day))
    assert not not_started.reports.exists()
    # Every step was dated when it happened: after its period, before today.
    now = timezone.make_aware(datetime.datetime(*day, 10, 30))
    for report in living_reports().exclude(submitted_at=None):
        assert report.period_end < timezone.localdate(report.first_submitted_at)
        assert report.first_submitted_at < now
        assert report.approved_at is None or report.submitted_at <= report.approved_at < now


def test_last_month_holds_every_state_a_pmo_meets(db, client):
    seed_on((2026, 11, 30))
    now = timezone.make_aware(datetime.datetime(2026, 11, 30, 10, 30))
    month = living_reports().filter(period_start=datetime.date(2026, 10, 1))
    states = {r.project.code: r for r in month}
    assert sum(r.status == Status.APPROVED for r in month) > len(month) / 2
    assert [r for r in month if r.status == Status.SUBMITTED]
    returned = [r for r in month if r.status == Status.RETURNED]
    assert returned and all(r.sponsor_comment for r in returned)
    for report in returned:  # returned by the sponsor, through the workflow
        last = report.history.order_by("-history_date", "-history_id").first()
        assert last.history_user == report.project.sponsor
    reopened = [r for r in month if r.status == Status.DRAFT and r.reopen_reason]
    assert reopened and reopened[0].history.filter(history_user__username="pmo").exists()
    assert [r for r in month if r.status == Status.DRAFT and not r.reopen_reason]
    # Overdue: September's report, due early in October, is not there.
    due = schedule.outstanding_reports(Project.objects.filter(code__in=LIVING), now.date())
    overdue = [d for d in due if d.report is None and d.due < datetime.date(2026, 10, 10)]
    assert overdue and overdue[0].project.code not in states
    # The sign-ins make run prints: a manager with a returned report, a sponsor with two to approve.
    sign_in(client, "sophie.turner")
    assert "To fix: returned by the sponsor" in (page := client.get("/").content.decode())
    assert "EAP-02 Depot relocation to Mill Lane" in page
    sign_in(client, "grace.adeyemi")
    page = client.get("/").content.decode()
    assert "DSP-04 Microsoft 365 and records migration" in page and "DSP-06 Data warehouse" in page


def test_every_rag_line_says_why_where_the_rule_asks(db, client):
    seed_on((2026, 11, 30))
    reports = list(living_reports())
    # The report's own rule (submit refuses a report that breaks it), on every report: an
    # open one as it stands (with today's money and milestones, which it would print), an
    # approved one as it was approved.
    still_open = [r for r in reports if r.status != Status.APPROVED]
    assert [(r, missing_rag_comments(r)) for r in still_open if missing_rag_comments(r)] == []
    for report in reports:
        if report.status == Status.APPROVED:
            lines = report.approved_snapshot["ratings"]
            said = [(line["dimension"], line["comment_needed"], line["comment"]) for line in lines]
            assert unexplained(said) == [], report
    off_green = back_to_green = 0
    for report in living_reports().filter(status=Status.APPROVED, period_start="2026-10-01"):
        for line in report.approved_snapshot["ratings"]:
            before, now = line["previous"], line["status"]
            if before and now and before != now:
                assert line["comment"]  # as approved and printed
                off_green += before["name"] == "Green"
                back_to_green += now["name"] == "Green"
    assert off_green and back_to_green  # last month, lines moved both ways
    # A director sees them on the dashboard for last month, with their trend.
    sign_in(client, "director")
    page = client.get("/dashboard/").content.decode()
    assert "As at" in page and "October 2026" in page
    assert "DSP-08" in page and "was Amber" in page and "was Green" in page


def test_registers_hold_risks_outside_appetite(db):
    seed_on((2026, 11, 30))
    living = Risk.objects.filter(register__owner__username__in=[u[0] for u in people.USERS])
    assert living.count() >= 10
    outside = beyond_appetite(living)
    assert outside.exists() and outside.count() < living.count() / 2
    for risk in living:
        risk.full_clean()  # scores on the register's own matrix
        assert risk.reviews.count() >= 2  # movement arrows need two reviews
    estates = Project.objects.get(code="EAP")
    assert estates.linked_risk_registers.filter(project__isnull=True).exists()


def count_rows():
    """Rows of every model, history included."""
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_last_months_packs_are_rendered_once_and_seeding_again_changes_nothing(
    db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        seed_on((2026, 11, 30))
    run = ReportingRun.objects.get(period=datetime.date(2026, 10, 1))
    packs = Document.objects.filter(runs=run, kind="board_pack")
    assert {d.params["programme"] for d in packs} >= {"", "EAP", "DSP", "ASC"}
    assert not Document.objects.exclude(status=Document.Status.DONE).exists()
    portfolio_pack = packs.get(params__programme="")
    pdf = Path(settings.MEDIA_ROOT) / portfolio_pack.file.name
    assert pdf.read_bytes()[:5] == b"%PDF-" and portfolio_pack.pages > 3
    before = count_rows()
    # Seeded again the next month: the demo keeps its months rather than rewrite itself.
    rendering = mock.patch.object(worker, "render_pdf", wraps=worker.render_pdf)
    with rendering as render, django_capture_on_commit_callbacks(execute=True):
        seed_on((2026, 12, 3))
    assert render.call_count == 0
    assert count_rows() == before
    assert User.objects.get(username="grace.adeyemi").check_password(settings.DEMO_PASSWORD)


def test_milestones_match_each_projects_timeline_story(db, client):
    """The plan behind the RAG (issue 20): stages behind each project met, those ahead late
    as its Timeline says (Red: months, Amber: weeks, Green: on the baseline); no report
    approved before the milestones existed prints one."""
    from projects import milestones
    from projects.models import Milestone

    seed_on((2026, 11, 30))
    today = datetime.date(2026, 11, 30)
    by_timeline = {}
    for report in living_reports().filter(period_start="2026-10-01"):
        timeline = next((r.status.name for r in report.ratings.all()
                         if r.dimension.name == "Timeline"), None)  # fmt: skip
        ahead = Milestone.objects.filter(project=report.project, baseline__gt=today)
        slips = [milestones.slippage(m).days for m in ahead if not m.actual]
        by_timeline.setdefault(timeline, []).extend(slips)
        fortnight_ago = today - datetime.timedelta(days=14)
        behind = Milestone.objects.filter(project=report.project, baseline__lt=fortnight_ago)
        assert all(m.actual and m.status == "complete" for m in behind)
        if report.status == Status.APPROVED:
            assert not (report.approved_snapshot or {}).get("milestones")
    # Beyond the PMO's Red tolerance (6 weeks) when Red, within Amber's when Amber.
    assert by_timeline["Red"] and min(by_timeline["Red"]) > 42
    assert (
        by_timeline["Amber"] and 14 < min(by_timeline["Amber"]) <= max(by_timeline["Amber"]) <= 42
    )
    assert by_timeline["Green"] and max(by_timeline["Green"]) <= 0
    sign_in(client, "grace.adeyemi")  # last month's DSP-04 waits for her: it shows the plan
    page = client.get("/projects/DSP-04/reports/2026-10/").content.decode()
    assert "Key milestones" in page


def test_money_matches_each_projects_budget_story(db, client):
    """The money behind the RAG (issue 20): last month's Budget rating is what the PMO's
    tolerances make of each project's forecast outturn (Amber over 5 %, Red over 10 %), so
    no demo report asks a comment the story did not give; no report approved before the
    money was kept prints any."""
    from projects import finance, tolerances

    seed_on((2026, 11, 30))
    seen = set()
    for report in living_reports().filter(period_start="2026-10-01", project__kind="project"):
        rating = next((r.status for r in report.ratings.all()
                       if r.dimension.name == "Budget"), None)  # fmt: skip
        lines = list(report.project.finance.all())
        if report.project.status == "closed" or rating is None or not lines:
            continue
        budget, _, forecast = finance.totals(lines)
        suggested = tolerances.for_budget(budget, forecast, "2026-27")
        assert not tolerances.better_than(rating, suggested), (report, rating, suggested)
        gap = finance.variance(budget, forecast)
        if rating.name == "Green":
            assert gap.percent <= 5
        seen.add(rating.name)
        if report.status == Status.APPROVED:
            assert not (report.approved_snapshot or {}).get("money")
    assert {"Green", "Amber", "Red"} <= seen
    # Each project with money has its cost centre, so the finance extract imports by it.
    centres = [p.cost_centre for p in Project.objects.filter(finance__isnull=False).distinct()]
    assert centres and all(centres) and len(set(centres)) == len(centres)
    sign_in(client, "grace.adeyemi")  # last month's DSP-04 waits for her: it shows the money
    page = client.get("/projects/DSP-04/reports/2026-10/").content.decode()
    assert 'id="money-h"' in page and "2026-27" in page


def test_raid_logs_follow_each_projects_story(db, client):
    """The RAID log behind the RAG (issue 20): an Amber or Red Timeline or Budget is an
    open issue with an action on it, a Red budget a decision for the board; some actions
    are overdue and their project's page says so; no report approved before the log
    existed prints an item."""
    from projects.models import RaidItem

    seed_on((2026, 11, 30))
    today = datetime.date(2026, 11, 30)
    checked = 0
    for report in living_reports().filter(period_start="2026-10-01", project__kind="project"):
        ratings = {r.dimension.name: r.status.name for r in report.ratings.all() if r.status}
        log = RaidItem.objects.filter(project=report.project)
        if report.project.status == "closed" or not log.exists():
            continue
        issues = log.filter(kind="issue")
        for name in ("Timeline", "Budget"):
            if ratings.get(name) in ("Amber", "Red"):
                assert issues.exists() and log.filter(kind="action", issue__isnull=False).exists()
                checked += 1
        if ratings.get("Budget") == "Red":
            assert log.filter(kind="decision", for_board=True).exists()
        if report.status == Status.APPROVED:
            assert not (report.approved_snapshot or {}).get("raid")
    assert checked
    overdue = RaidItem.objects.filter(kind="action", due__lt=today).select_related("project")
    assert overdue.exists()
    sign_in(client, "director")
    page = client.get(overdue[0].project.get_absolute_url()).content.decode()
    assert "overdue" in page and overdue[0].title in page

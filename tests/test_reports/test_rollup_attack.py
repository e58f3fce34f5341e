"""A hostile review of the programme roll-up, the board pack's finance page and the
dashboard's money and milestone columns (issue 20). Nine of these found defects, since
fixed (programmes grouped by name, a programme's own money outside it, markings that missed
rolled-up projects closed or moved since, an overflowing percentage, the export's filter
words and red underspends, a forecast without a budget hidden, a child closed after the
period dropped); the rest guard rules the review found holding."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from projects import workflow
from projects.models import FinanceLine, HighlightReport, Milestone, Project, RaidItem
from reports.kinds import get_kind
from reports.kinds.rollup import rollup
from reports.services import render_source
from tests.factories import ProgrammeFactory, ProjectFactory, ReportFactory, marking, rate
from tests.pdf import pdf_text

D = datetime.date
FEBRUARY, MARCH = D(2024, 2, 1), D(2024, 3, 1)
APPROVED = HighlightReport.Status.APPROVED


def approve(report, manager, sponsor, **ratings):
    """Through the workflow (freezes the report and renders its PDF)."""
    rate(report, **(ratings or {"Overall": "Red", "Budget": "Red", "Timeline": "Red"}))
    workflow.submit(report, manager)
    report.refresh_from_db()
    workflow.approve(report, sponsor)
    report.refresh_from_db()
    return report


def approve_fast(report):
    """Approved and frozen as the workflow freezes it, without rendering its PDF."""
    HighlightReport.objects.filter(pk=report.pk).update(
        status=APPROVED, approved_by=report.project.sponsor, approved_at=timezone.now()
    )
    report.refresh_from_db()
    get_kind("highlight_report").freeze(report)
    report.refresh_from_db()
    return report


def money(project, budget, forecast, year=2023, kind="revenue", spent=None):
    return FinanceLine.objects.create(project=project, year=year, kind=kind, budget=budget,
                                      spent=spent, forecast=forecast)  # fmt: skip


def pack(code, period="2024-03"):
    kind = get_kind("board_pack")
    params = {"programme": code, "period": period}
    return kind.gather(kind.resolve(params), params)


# --- Board pack: finance page -------------------------------------------------------------


@pytest.mark.django_db
def test_pack_finance_keeps_two_programmes_of_the_same_name_apart(alice, bob):
    """Groups are keyed by the programme's name, not its code: two programmes called
    "Estates" become one group with one subtotal that adds up both."""
    for code in ("ESTv.1", "ESTv.2"):
        programme = ProgrammeFactory(code=code, name="Estates", manager=alice, sponsor=bob)
        child = ProjectFactory(code=f"{code}1", parent=programme, manager=alice, sponsor=bob)
        money(child, 100_000_00, 100_000_00)
        approve_fast(ReportFactory(project=child, period_start=MARCH, rated=True))
    groups = pack("")["finance"]["groups"]
    estates = [group for group in groups if group["name"] == "Estates"]
    assert len(estates) == 2, [(g["name"], [line["code"] for line in g["lines"]]) for g in groups]


@pytest.mark.django_db
def test_a_programmes_own_money_is_not_listed_outside_a_programme(alice, bob, erin):
    """The programme's own approved money is filed under "Projects outside a programme"
    (it has no parent), and left out of its own programme's subtotal."""
    programme = ProgrammeFactory(code="PROG", name="Libraries Programme", manager=erin,
                                 sponsor=bob)  # fmt: skip
    child = ProjectFactory(code="LIB.1", parent=programme, manager=alice, sponsor=bob)
    money(programme, 10_000_00, 10_000_00)
    money(child, 100_000_00, 100_000_00)
    approve_fast(ReportFactory(project=child, period_start=MARCH, rated=True))
    approve_fast(ReportFactory(project=programme, period_start=MARCH, rated=True))
    groups = {
        g["name"]: [line["code"] for line in g["lines"]] for g in pack("")["finance"]["groups"]
    }
    assert "Projects outside a programme" not in groups, groups
    assert sorted(groups["Libraries Programme"]) == ["LIB.1", "PROG"]


@pytest.mark.django_db
def test_pack_without_totals_when_the_reports_are_in_different_years(alice, bob, charlie, dave):
    """Guard (passes): a quarterly report ending in the next financial year takes the
    totals away rather than adding two years together."""
    programme = ProgrammeFactory(code="PROG", name="Libraries Programme", manager=alice,
                                 sponsor=bob)  # fmt: skip
    monthly = ProjectFactory(code="MON.1", parent=programme, manager=alice, sponsor=bob)
    quarterly = ProjectFactory(code="QTR.1", parent=programme, manager=charlie, sponsor=dave,
                               reporting_cadence=Project.Cadence.QUARTERLY)  # fmt: skip
    money(monthly, 100_000_00, 100_000_00, year=2023)
    money(quarterly, 50_000_00, 60_000_00, year=2024)
    approve_fast(ReportFactory(project=monthly, period_start=MARCH, rated=True))
    approve_fast(ReportFactory(project=quarterly, period_start=FEBRUARY,
                               period_end=D(2024, 4, 30), rated=True))  # fmt: skip
    finance = pack("PROG")["finance"]
    assert finance["years"] == ["2023-24", "2024-25"] and not finance["adds_up"]
    assert finance["total"]["budget"] is None
    assert all(group["total"]["budget"] is None for group in finance["groups"])


@pytest.mark.django_db
def test_pack_marking_covers_a_rolled_up_child_that_has_since_closed(alice, bob, erin):
    """The programme's approved report, printed in full in its pack, rolls up an
    OFFICIAL-SENSITIVE child; the child closes afterwards, drops out of the pack's scope,
    and the pack is marked OFFICIAL while it prints the child's position."""
    programme = ProgrammeFactory(code="PROG", name="Libraries Programme", manager=erin,
                                 sponsor=bob)  # fmt: skip
    child = ProjectFactory(code="SEC.1", name="Covert Works", parent=programme, manager=alice,
                           sponsor=bob, marking=marking("OFFICIAL-SENSITIVE"))  # fmt: skip
    money(child, 100_000_00, 130_000_00)
    approve_fast(ReportFactory(project=child, period_start=MARCH, rated=True))
    approve_fast(ReportFactory(project=programme, period_start=MARCH, rated=True))
    Project.objects.filter(pk=child.pk).update(status=Project.Status.CLOSED)

    data = pack("PROG")
    printed = [item["data"] for item in data["reports"]]
    assert any(row["code"] == "SEC.1" for d in printed for row in d["rollup"]["projects"])
    assert data["pack"]["marking"] == "OFFICIAL-SENSITIVE"


# --- The programme report: marking, freezing, escaping --------------------------------------


@pytest.mark.django_db
def test_programme_report_marking_rises_with_a_sensitive_child(alice, bob, erin):
    """Guard (passes): the programme report's PDF carries its child's higher marking."""
    programme = ProgrammeFactory(code="PROG", manager=erin, sponsor=bob)
    child = ProjectFactory(code="SEC.1", parent=programme, manager=alice, sponsor=bob,
                           marking=marking("OFFICIAL-SENSITIVE"))  # fmt: skip
    approve_fast(ReportFactory(project=child, period_start=MARCH, rated=True))
    report = approve_fast(ReportFactory(project=programme, period_start=MARCH, rated=True))
    kind = get_kind("highlight_report")
    assert str(kind.marking(report, kind.gather(report))) == "OFFICIAL-SENSITIVE"


@pytest.mark.django_db
def test_programme_report_page_banner_covers_a_rolled_up_child_moved_away(client, alice, bob, erin):
    """The approved programme report keeps the OFFICIAL-SENSITIVE child's position (as it
    should); once the child moves to another programme, the report page's banner
    (markings.shown_with: today's children) falls to OFFICIAL though the page still
    prints it. The PDF (HighlightReportKind.marking) stays OFFICIAL-SENSITIVE."""
    programme = ProgrammeFactory(code="PROG", manager=erin, sponsor=bob)
    other = ProgrammeFactory(code="PROG2", manager=erin, sponsor=bob)
    child = ProjectFactory(code="SEC.1", name="Covert Works", parent=programme, manager=alice,
                           sponsor=bob, marking=marking("OFFICIAL-SENSITIVE"))  # fmt: skip
    approve_fast(ReportFactory(project=child, period_start=MARCH, rated=True))
    report = approve_fast(ReportFactory(project=programme, period_start=MARCH, rated=True))
    Project.objects.filter(pk=child.pk).update(parent=other)

    client.force_login(erin)
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Covert Works" in page
    banner = page.split('class="marking-banner"', 1)[1].split("</div>", 1)[0]
    assert "OFFICIAL-SENSITIVE" in banner


@pytest.mark.django_db
def test_the_frozen_rollup_stays_when_a_childs_report_is_reopened_and_replaced(
    client, alice, bob, erin, pam
):
    """Guard (passes): reopening the child's report and approving other figures leaves the
    approved programme report as it was."""
    programme = ProgrammeFactory(code="PROG", name="Libraries Programme", manager=erin,
                                 sponsor=bob)  # fmt: skip
    child = ProjectFactory(code="LIB.1", name="Library Refurbishment", parent=programme,
                           manager=alice, sponsor=bob)  # fmt: skip
    line = money(child, 100_000_00, 123_000_00, spent=1_00)
    child_report = approve(ReportFactory(project=child, period_start=FEBRUARY, rated=True),
                           alice, bob)  # fmt: skip
    report = approve(ReportFactory(project=programme, period_start=FEBRUARY, rated=True),
                     erin, bob, Overall="Amber")  # fmt: skip
    workflow.reopen(child_report, pam, "Wrong figures")
    child_report.refresh_from_db()
    FinanceLine.objects.filter(pk=line.pk).update(forecast=90_000_00)
    approve(child_report, alice, bob, Overall="Green", Budget="Green", Timeline="Green")

    client.force_login(erin)
    page = " ".join(client.get(report.get_absolute_url()).content.decode().split())
    assert "£123,000" in page and "£90,000" not in page
    text = pdf_text(
        render_source("highlight_report", report, {"project": "PROG", "period": "2024-02"})[
            0
        ].content
    )
    assert "£123,000" in text and "£90,000" not in text


HOSTILE = '<img src=x onerror="alert(1)">'


@pytest.mark.django_db
def test_child_names_milestones_and_raid_titles_are_escaped(client, alice, bob, erin):
    """Guard (passes): a child's name, milestone and RAID titles print as text."""
    programme = ProgrammeFactory(code="PROG", manager=erin, sponsor=bob)
    child = ProjectFactory(code="XSS.1", name=f"Name {HOSTILE}", parent=programme,
                           manager=alice, sponsor=bob)  # fmt: skip
    money(child, 100, 200)
    Milestone.objects.create(project=child, name=f"Milestone {HOSTILE}", key=True,
                             baseline=D(2024, 1, 8), forecast=D(2024, 6, 3))  # fmt: skip
    RaidItem.objects.create(project=child, kind="issue", number=1, title=f"Issue {HOSTILE}",
                            priority=4, raised_on=D(2024, 1, 8))  # fmt: skip
    RaidItem.objects.create(project=child, kind="decision", number=1, for_board=True,
                            title=f"Decision {HOSTILE}", raised_on=D(2024, 1, 8))  # fmt: skip
    approve_fast(ReportFactory(project=child, period_start=MARCH, rated=True))
    report = ReportFactory(project=programme, period_start=MARCH, rated=True)
    client.force_login(erin)
    page = client.get(report.get_absolute_url()).content.decode()
    assert "onerror" in page  # the text is there ...
    assert "<img src=x" not in page  # ... as text


# --- The roll-up's cost -------------------------------------------------------------------


def _programme_with(n, alice, bob, code):
    programme = ProgrammeFactory(code=code, manager=alice, sponsor=bob)
    for i in range(n):
        child = ProjectFactory(code=f"{code}C{i}", parent=programme, manager=alice, sponsor=bob)
        money(child, 100_000_00, 110_000_00)
        Milestone.objects.create(project=child, name=f"M{i}", key=True,
                                 baseline=D(2024, 1, 8), forecast=D(2024, 6, 3))  # fmt: skip
        RaidItem.objects.create(project=child, kind="issue", number=1, title="Bad",
                                priority=4, raised_on=D(2024, 1, 8))  # fmt: skip
        approve_fast(ReportFactory(project=child, period_start=MARCH, rated=True))
    return programme


@pytest.mark.django_db
def test_rollup_queries_do_not_grow_with_the_number_of_projects(alice, bob):
    small, large = _programme_with(2, alice, bob, "SMALL"), _programme_with(8, alice, bob, "LARGE")
    rollup(small, D(2024, 3, 31))  # warm the caches (organisation, markings)
    counts = []
    for programme in (small, large):
        with CaptureQueriesContext(connection) as queries:
            rollup(programme, D(2024, 3, 31))
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


@pytest.mark.django_db
def test_programme_report_page_queries_do_not_grow_with_projects(client, alice, bob):
    small, large = _programme_with(2, alice, bob, "SMALL"), _programme_with(8, alice, bob, "LARGE")
    client.force_login(alice)
    counts = []
    for programme in (small, large):
        report = ReportFactory(project=programme, period_start=MARCH, rated=True)
        client.get(report.get_absolute_url())  # warm
        with CaptureQueriesContext(connection) as queries:
            assert client.get(report.get_absolute_url()).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


@pytest.mark.django_db
def test_board_pack_gather_queries_do_not_grow_with_projects(alice, bob):
    _programme_with(2, alice, bob, "SMALL"), _programme_with(8, alice, bob, "LARGE")
    pack("SMALL")  # warm
    counts = []
    for code in ("SMALL", "LARGE"):
        with CaptureQueriesContext(connection) as queries:
            pack(code)
        counts.append(len(queries))
    assert counts[0] == counts[1], counts


# --- Money rules --------------------------------------------------------------------------


@pytest.mark.django_db
def test_approval_survives_a_tiny_budget_and_a_huge_forecast(project, alice, bob):
    """A budget of 1p against a forecast of £1bn (both within the fields' limits) is an
    overspend of 10^13 %: money_over_percent (12 digits, 1 decimal: below 10^11) overflows
    and the approval fails with a database error."""
    money(project, 1, 1_000_000_000_00)
    report = approve_fast(ReportFactory(project=project, period_start=MARCH, rated=True))
    assert report.money_over_percent is not None and report.money_over_percent > 100


# --- Dashboard ----------------------------------------------------------------------------


@pytest.fixture
def portfolio(alice, bob, charlie, dave):
    programme = ProgrammeFactory(code="PROG", name="Libraries Programme", manager=alice,
                                 sponsor=bob)  # fmt: skip
    inside = ProjectFactory(code="IN.1", name="Inside", parent=programme, manager=alice,
                            sponsor=bob)  # fmt: skip
    outside = ProjectFactory(code="OUT.1", name="Outside", manager=charlie, sponsor=dave)
    for project in (inside, outside):
        money(project, 100_000_00, 150_000_00)
        Milestone.objects.create(project=project, name="Late", key=True,
                                 baseline=D(2024, 1, 8), forecast=D(2024, 6, 3))  # fmt: skip
        approve_fast(ReportFactory(project=project, period_start=MARCH, rated=True))
    return programme


@pytest.mark.django_db
@pytest.mark.parametrize("query", [
    "slipped=-1", "slipped=1e9", "slipped=abc", "slipped=NaN", "slipped=Infinity",
    "overspent=maybe", "month=2026-13", "month=abc", "slipped=0.0001&overspent=1",
    "programme=999999", "programme=abc", "page=-1", "page=99999",
])  # fmt: skip
def test_dashboard_survives_hostile_query_strings(client, diana, portfolio, query):
    """Guard (passes): a made-up query string is a page, not a server error."""
    client.force_login(diana)
    assert client.get(reverse("projects:dashboard") + "?" + query).status_code == 200
    assert client.get(reverse("projects:dashboard-export") + "?" + query).status_code == 200


@pytest.mark.django_db
def test_export_describes_the_filters_it_applied(client, diana, portfolio):
    """One invalid filter (slipped=abc) makes describe() say "none (all active projects)"
    while the valid programme filter still narrows the rows: the sheet says it is the
    whole portfolio but lists only the programme's project."""
    client.force_login(diana)
    url = reverse("projects:dashboard-export")
    content = client.get(f"{url}?month=2024-03&programme={portfolio.pk}&slipped=abc").content
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    codes = [row[0] for row in rows[4:]]
    assert codes == ["IN.1"]
    assert "Libraries Programme" in rows[1][0], rows[1][0]


@pytest.mark.django_db
def test_slipped_filter_counts_weeks_in_calendar_days(client, diana, portfolio):
    """Guard (passes): a key milestone 147 days (21 weeks) late is over 20 weeks, not 21."""
    client.force_login(diana)
    url = reverse("projects:dashboard") + "?month=2024-03&slipped="
    assert "IN.1" in client.get(url + "20").content.decode()
    assert "IN.1" not in client.get(url + "21").content.decode()


@pytest.mark.django_db
def test_an_overspend_against_no_budget_shows_its_money_on_the_dashboard(
    client, diana, project, alice, bob
):
    """A revenue forecast of £20,000 with no budget beside a capital line on budget: the
    overspent filter lists the project (worst_overspend: against no budget) but its money
    column says "—" and the export leaves budget, forecast and variance blank, so the
    reader cannot see why it is there."""
    money(project, 100_000_00, 100_000_00, kind="capital")
    money(project, None, 20_000_00, kind="revenue")
    approve_fast(ReportFactory(project=project, period_start=MARCH, rated=True))
    client.force_login(diana)
    page = " ".join(
        client.get(reverse("projects:dashboard") + "?month=2024-03&overspent=on")
        .content.decode().split()
    )  # fmt: skip
    assert "TEST.1" in page
    row = page.split("TEST.1", 1)[1].split("</tr>", 1)[0]
    assert "£120,000 forecast" in row and "not all of it budgeted" in row, row
    content = client.get(reverse("projects:dashboard-export") + "?month=2024-03").content
    rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
    headings = next(r for r in rows if r and r[0] == "Code")
    mine = dict(zip(headings, next(r for r in rows if r and r[0] == "TEST.1"), strict=True))
    assert mine["Forecast outturn (£)"] == 120_000


@pytest.mark.django_db
def test_export_numbers_are_numbers_and_text_is_inert(client, diana, alice, bob):
    """Guard (passes): money as numbers; a name that looks like a formula stays text."""
    alice.first_name = '=HYPERLINK("http://evil","x")'
    alice.save()
    project = ProjectFactory(code="EVIL.1", name="=1+1", manager=alice, sponsor=bob)
    money(project, 100_000_00, 95_000_00)
    report = ReportFactory(project=project, period_start=MARCH, rated=True,
                           status_word="@SUM(A1)")  # fmt: skip
    approve_fast(report)
    client.force_login(diana)
    content = client.get(reverse("projects:dashboard-export") + "?month=2024-03").content
    sheet = load_workbook(io.BytesIO(content)).active
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", (cell.coordinate, cell.value)
    rows = list(sheet.iter_rows(values_only=True))
    headings = next(r for r in rows if r and r[0] == "Code")
    mine = dict(zip(headings, next(r for r in rows if r and r[0] == "EVIL.1"), strict=True))
    assert mine["Budget this financial year (£)"] == 100_000
    assert mine["Variance (£)"] == -5_000


@pytest.mark.django_db
def test_export_does_not_colour_an_underspend_red(client, diana, alice, bob):
    """The variance column uses the £ format whose negative section is [Red]: an
    underspend (a negative variance, good news) prints red and an overspend black."""
    project = ProjectFactory(code="UND.1", manager=alice, sponsor=bob)
    money(project, 100_000_00, 95_000_00)
    approve_fast(ReportFactory(project=project, period_start=MARCH, rated=True))
    client.force_login(diana)
    content = client.get(reverse("projects:dashboard-export") + "?month=2024-03").content
    sheet = load_workbook(io.BytesIO(content)).active
    header = next(r for r in sheet.iter_rows() if r[0].value == "Code")
    column = next(c.column for c in header if c.value == "Variance (£)")
    row = next(r for r in sheet.iter_rows() if r[0].value == "UND.1")
    variance = row[column - 1]
    assert variance.value == -5_000
    negative = variance.number_format.split(";")[1] if ";" in variance.number_format else ""
    assert "[Red]" not in negative, variance.number_format


# --- Who the roll-up gathers ----------------------------------------------------------------


@pytest.mark.django_db
def test_a_child_closed_after_the_period_is_still_in_that_periods_rollup(alice, bob, erin):
    """The February programme report, written after a child closed in March, drops the
    child's approved February position (and its money from the programme's total):
    latest_approved filters on today's status, not on the period reported."""
    programme = ProgrammeFactory(code="PROG", manager=erin, sponsor=bob)
    child = ProjectFactory(code="DONE.1", parent=programme, manager=alice, sponsor=bob)
    money(child, 100_000_00, 100_000_00)
    approve_fast(ReportFactory(project=child, period_start=FEBRUARY, rated=True))
    Project.objects.filter(pk=child.pk).update(status=Project.Status.CLOSED)
    rolled = rollup(programme, D(2024, 2, 29))
    assert [row["code"] for row in rolled.get("projects", [])] == ["DONE.1"]


@pytest.mark.django_db
def test_an_out_of_range_slipped_filter_is_said_to_be_refused(client, diana, portfolio):
    """Guard (passes): slipped=1e9 (over the 520-week limit) is left out and every project
    listed, but the page says why (the field's error names the limit); the export says
    nothing (test_export_describes_the_filters_it_applied)."""
    on_plan = ProjectFactory(code="OK.1", name="On plan", manager=diana, sponsor=portfolio.sponsor)
    approve_fast(ReportFactory(project=on_plan, period_start=MARCH, rated=True))
    client.force_login(diana)
    page = client.get(reverse("projects:dashboard") + "?month=2024-03&slipped=1e9").content.decode()
    assert "OK.1" not in page or "Ensure this value is less than or equal to 520" in page

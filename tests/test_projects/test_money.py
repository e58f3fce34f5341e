"""A project's money (issue 20): the arithmetic, the Money page, spend and forecast updated
on each report, the PMO's tolerances, and approval freezing the figures."""

import datetime
import io

import pytest
from django.urls import reverse

from projects import finance, workflow
from projects.forms.money import parse_pounds
from projects.models import FinanceLine, Milestone, Organisation, RagStatus
from reports.services import render_source
from tests.factories import ReportFactory, rate
from tests.forms import read_form
from tests.pdf import pdf_text

D = datetime.date
CAPITAL, REVENUE = FinanceLine.Kind.CAPITAL, FinanceLine.Kind.REVENUE


# --- Arithmetic -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pence", "shown"),
    [(0, "£0"), (49, "£0"), (50, "£1"), (123456789, "£1,234,568"), (-150000, "−£1,500"),
     (-49, "£0"), (None, "")],
)  # fmt: skip
def test_pounds_are_shown_to_the_pound_with_separators(pence, shown):
    assert finance.pounds(pence) == shown


@pytest.mark.parametrize(
    ("typed", "pence"),
    [("£1,234.56", 123456), ("1234", 123400), ("12500.5", 1250050), ("-500", -50000),
     ("−500", -50000), ("(1,500.00)", -150000), (" £ 7 ", 700)],
)  # fmt: skip
def test_amounts_are_read_as_people_and_finance_systems_write_them(typed, pence):
    assert parse_pounds(typed) == pence


@pytest.mark.parametrize("typed", ["12.345", "1e6", "£", "12,5x", "--5", "99999999999999"])
def test_anything_else_is_not_an_amount(typed):
    with pytest.raises(ValueError):
        parse_pounds(typed)


def test_variance_is_the_forecast_against_the_budget():
    over = finance.variance(100_000_00, 107_250_00)
    assert over.amount == 7_250_00 and over.percent == 7.25
    assert str(over) == "£7,250 over (7.3 %)"
    assert str(finance.variance(100_000_00, 98_000_00)) == "£2,000 under (2.0 %)"
    assert str(finance.variance(500_00, 500_00)) == "On budget"
    # A zero budget has no percentage; a missing figure no variance at all.
    assert str(finance.variance(0, 1_000_00)) == "£1,000 over"
    assert finance.variance(0, 1_000_00).percent is None
    assert finance.variance(None, 5) is None and finance.variance(5, None) is None


def test_a_total_is_given_only_where_every_line_gives_the_figure():
    lines = [FinanceLine(budget=100, spent=None, forecast=90),
             FinanceLine(budget=50, spent=20, forecast=None)]  # fmt: skip
    # Not £90 of forecast against £150 of budget: that would read as £60 under.
    assert finance.totals(lines) == (150, None, None)
    assert finance.totals([FinanceLine(budget=0, spent=-5, forecast=0)]) == (0, -5, 0)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("day", "start", "year", "label"),
    [(D(2027, 3, 31), 4, 2026, "2026-27"), (D(2027, 4, 1), 4, 2027, "2027-28"),
     (D(1999, 12, 31), 4, 1999, "1999-00"), (D(2026, 12, 31), 1, 2026, "2026"),
     (D(2026, 6, 30), 7, 2025, "2025-26")],
)  # fmt: skip
def test_financial_years_turn_at_the_organisations_month(day, start, year, label):
    organisation = Organisation.current()
    organisation.financial_year_start = start
    organisation.save()
    assert finance.year_of(day) == year
    assert finance.year_label(year) == label


# --- The Money page -------------------------------------------------------------------


def money_form(client, project):
    return read_form(client, reverse("projects:money-edit", args=[project.code]))


@pytest.mark.django_db
def test_the_manager_adds_a_years_money_and_the_page_shows_its_variance(client, project, alice):
    client.force_login(alice)
    form = money_form(client, project)
    form.fields.update({"money-0-year": "2026", "money-0-kind": CAPITAL,
                        "money-0-budget": "£250,000", "money-0-spent": "90,000.50",
                        "money-0-forecast": "268,000"})  # fmt: skip
    response = client.post(form.action, form.fields)
    assert response.status_code == 302, response.content.decode()[:3000]

    line = project.finance.get()
    assert (line.year, line.kind, line.budget, line.spent, line.forecast) == (
        2026, CAPITAL, 250_000_00, 90_000_50, 268_000_00)  # fmt: skip
    page = client.get(reverse("projects:money", args=[project.code])).content.decode()
    assert "2026-27" in page and "£250,000" in page and "£90,001" in page
    assert "£18,000 over (7.2 %)" in page


@pytest.mark.django_db
def test_an_agreed_budget_is_changed_only_by_the_pmo(client, project, alice, pam):
    line = FinanceLine.objects.create(project=project, year=2026, kind=REVENUE, budget=100_00)
    client.force_login(alice)
    form = money_form(client, project)
    form.fields.update({"money-0-budget": "1,000,000", "money-0-DELETE": "on"})
    client.post(form.action, form.fields)
    line.refresh_from_db()
    assert line.budget == 100_00  # neither changed nor removed

    client.force_login(pam)
    form = money_form(client, project)
    form.fields["money-0-budget"] = "150"
    assert client.post(form.action, form.fields).status_code == 302
    line.refresh_from_db()
    assert line.budget == 150_00


@pytest.mark.django_db
def test_two_lines_for_one_year_and_kind_are_refused(client, project, alice):
    client.force_login(alice)
    form = money_form(client, project)
    for i in (0, 1):
        form.fields.update({f"money-{i}-year": "2026", f"money-{i}-kind": REVENUE,
                            f"money-{i}-spent": "10"})  # fmt: skip
    page = client.post(form.action, form.fields).content.decode()
    assert "There are two lines for 2026-27 revenue" in page
    assert not project.finance.exists()


@pytest.mark.django_db
def test_a_save_over_a_change_made_meanwhile_is_refused(client, project, alice, erin):
    line = FinanceLine.objects.create(project=project, year=2026, kind=REVENUE, spent=1)
    client.force_login(alice)
    form = money_form(client, project)
    FinanceLine.objects.filter(pk=line.pk).update(spent=2, version=2)  # erin saved meanwhile
    form.fields["money-0-spent"] = "3"
    page = client.post(form.action, form.fields).content.decode()
    assert "Someone else changed these figures" in page
    line.refresh_from_db()
    assert line.spent == 2


@pytest.mark.django_db
def test_only_those_who_write_the_reports_edit_the_money(client, project, charlie):
    client.force_login(charlie)
    assert client.get(reverse("projects:money", args=[project.code])).status_code == 200
    assert client.get(reverse("projects:money-edit", args=[project.code])).status_code == 403
    response = client.post(reverse("projects:money-edit", args=[project.code]), {
        "money-TOTAL_FORMS": "1", "money-INITIAL_FORMS": "0", "money-0-year": "2026",
        "money-0-kind": CAPITAL, "money-0-budget": "1"})  # fmt: skip
    assert response.status_code == 403 and not project.finance.exists()


@pytest.mark.django_db
def test_a_typed_amount_that_is_not_money_is_explained_and_nothing_changes(client, project,
                                                                          alice):  # fmt: skip
    client.force_login(alice)
    form = money_form(client, project)
    form.fields.update({"money-0-year": "2026", "money-0-kind": CAPITAL,
                        "money-0-budget": "-5", "money-1-year": "2026",
                        "money-1-kind": REVENUE, "money-1-spent": "lots"})  # fmt: skip
    page = client.post(form.action, form.fields).content.decode()
    assert "A budget cannot be below zero" in page
    assert "Enter an amount in pounds" in page
    assert not project.finance.exists()


# --- On a report ------------------------------------------------------------------------


@pytest.fixture
def march_2027(project):
    """TEST.1's draft for March 2027 (financial year 2026-27), rated Green throughout."""
    report = ReportFactory(project=project, period_start=D(2027, 3, 1), rated=True)
    rate(report, Overall="Green", Timeline="Green", Budget="Green")
    report.ratings.update(comment="")
    return report


def edit_url(report):
    return reverse("projects:report-edit", args=[report.project.code, report.period_slug])


@pytest.mark.django_db
def test_the_report_form_updates_spend_and_forecast_for_its_year_on(client, project, alice,
                                                                    march_2027):  # fmt: skip
    earlier = FinanceLine.objects.create(project=project, year=2025, kind=CAPITAL, budget=1)
    line = FinanceLine.objects.create(
        project=project, year=2026, kind=CAPITAL, budget=100_000_00, spent=10_00,
        forecast=100_000_00,
    )  # fmt: skip
    client.force_login(alice)
    form = read_form(client, edit_url(march_2027))
    assert "money-0-spent" in form.fields and "money-1-spent" not in form.fields  # 2025-26 closed
    # The budget is agreed: the manager's "1" is not taken.
    form.fields.update({"money-0-spent": "60,000", "money-0-forecast": "99,500",
                        "money-0-budget": "1"})  # fmt: skip
    assert client.post(form.action, form.fields).status_code == 302
    line.refresh_from_db()
    assert (line.budget, line.spent, line.forecast) == (100_000_00, 60_000_00, 99_500_00)
    earlier.refresh_from_db()
    assert earlier.budget == 1


@pytest.mark.django_db
def test_a_budget_rated_better_than_the_tolerance_suggests_must_say_why(client, project, alice,
                                                                        march_2027):  # fmt: skip
    FinanceLine.objects.create(project=project, year=2026, kind=REVENUE,
                               budget=100_000_00, forecast=100_000_00)  # fmt: skip
    client.force_login(alice)
    form = read_form(client, edit_url(march_2027))
    form.fields["money-0-forecast"] = "107,000"  # 7 % over: Amber at 5 %
    page = client.post(form.action, form.fields).content.decode()

    assert "say why it is Green when the 2026-27 forecast outturn is £7,000 (7.0 %) over " \
        "budget, beyond the Amber tolerance of 5 %" in page  # fmt: skip
    assert FinanceLine.objects.get().forecast == 100_000_00  # nothing saved

    index = [r.dimension.name for r in march_2027.ratings.select_related("dimension")].index(
        "Budget"
    )
    form.fields[f"ratings-{index}-comment"] = "Savings in quarter 4 will bring it back."
    assert client.post(form.action, form.fields).status_code == 302
    assert FinanceLine.objects.get().forecast == 107_000_00


@pytest.mark.django_db
def test_the_form_says_what_the_tolerance_suggests(client, project, alice, march_2027):
    FinanceLine.objects.create(project=project, year=2026, kind=CAPITAL,
                               budget=100_00, forecast=120_00)  # fmt: skip
    client.force_login(alice)
    page = client.get(edit_url(march_2027)).content.decode()
    assert "The tolerances suggest at least Red" in page
    assert "beyond the Red tolerance of 10 %" in page


@pytest.mark.django_db
def test_a_timeline_rated_better_than_slipped_key_milestones_suggest_cannot_be_submitted(
    project, alice, march_2027
):
    Milestone.objects.create(
        project=project, name="Go live", key=True, baseline=D(2027, 1, 4), forecast=D(2027, 2, 22)
    )  # 7 weeks late
    with pytest.raises(workflow.TransitionNotAllowed) as refused:
        workflow.submit(march_2027, alice)
    assert "Timeline: say why it is Green when a key milestone is 7 weeks late, beyond the " \
        "Red tolerance of 6 weeks" in str(refused.value)  # fmt: skip

    # An Amber tolerance of none and a Red one switched off: Amber is the suggestion.
    organisation = Organisation.current()
    organisation.timeline_red_weeks = None
    organisation.save()
    with pytest.raises(workflow.TransitionNotAllowed) as refused:
        workflow.submit(march_2027, alice)
    assert "beyond the Amber tolerance of 2 weeks" in str(refused.value)


@pytest.mark.django_db
def test_a_rating_as_bad_as_the_tolerance_suggests_needs_no_more(project, alice, march_2027):
    FinanceLine.objects.create(project=project, year=2026, kind=CAPITAL,
                               budget=100_00, forecast=108_00)  # fmt: skip
    rate(march_2027, Budget="Red")  # worse than Amber: its own comment is enough
    workflow.submit(march_2027, alice)
    march_2027.refresh_from_db()
    assert march_2027.status == "submitted"


@pytest.mark.django_db
def test_approval_freezes_the_money_in_the_report_and_its_pdf(client, project, alice, bob,
                                                              pam, march_2027):  # fmt: skip
    line = FinanceLine.objects.create(project=project, year=2026, kind=CAPITAL,
                                      budget=200_000_00, spent=150_000_00,
                                      forecast=190_000_00)  # fmt: skip
    workflow.submit(march_2027, alice)
    march_2027.refresh_from_db()
    workflow.approve(march_2027, bob)
    march_2027.refresh_from_db()
    assert (march_2027.money_budget, march_2027.money_forecast) == (200_000_00, 190_000_00)
    line.forecast, line.spent = 260_000_00, 250_000_00  # April's figures, after approval
    line.save()

    client.force_login(bob)
    page = client.get(march_2027.get_absolute_url()).content.decode()
    assert "£190,000" in page and "£10,000 under (5.0 %)" in page and "£260,000" not in page
    params = {"project": project.code, "period": march_2027.period_slug}
    pdf, _, _ = render_source("highlight_report", march_2027, params)
    text = pdf_text(pdf.content)
    assert "Money" in text and "2026-27 capital" in text
    assert "£190,000" in text and "£260,000" not in text

    # April is in 2027-28: the closed year is March's to show, not April's.
    april = ReportFactory(project=project, period_start=D(2027, 4, 1))
    FinanceLine.objects.create(project=project, year=2027, kind=CAPITAL, budget=1, forecast=1)
    page = client.get(april.get_absolute_url()).content.decode()
    assert "2027-28 capital" in page and "2026-27" not in page

    workflow.reopen(march_2027, pam, "Figures were wrong")
    march_2027.refresh_from_db()
    assert march_2027.money_budget is None and march_2027.money_forecast is None


@pytest.mark.django_db
def test_the_next_report_shows_the_last_forecast_and_how_far_it_moved(client, project, alice,
                                                                      bob):  # fmt: skip
    line = FinanceLine.objects.create(project=project, year=2026, kind=REVENUE,
                                      budget=50_000_00, forecast=50_000_00)  # fmt: skip
    may = ReportFactory(project=project, period_start=D(2026, 5, 1), rated=True)
    rate(may, Overall="Green", Budget="Green", Timeline="Green")
    workflow.submit(may, alice)
    may.refresh_from_db()
    workflow.approve(may, bob)
    line.forecast = 51_500_00
    line.save()
    june = ReportFactory(project=project, period_start=D(2026, 6, 1))
    client.force_login(alice)
    page = client.get(june.get_absolute_url()).content.decode()
    assert "Forecast in May 2026" in page
    assert "£50,000" in page and "£51,500" in page and "£1,500 more" in page


@pytest.mark.django_db
def test_no_money_prints_no_money_section(client, project, alice, march_2027):
    client.force_login(alice)
    page = client.get(march_2027.get_absolute_url()).content.decode()
    assert 'id="money-h"' not in page
    params = {"project": project.code, "period": march_2027.period_slug}
    data = render_source("highlight_report", march_2027, params)[0]
    assert "Money" not in pdf_text(data.content)


@pytest.mark.django_db
def test_tolerances_name_the_organisations_statuses(project):
    organisation = Organisation.current()
    assert organisation.amber_status == RagStatus.objects.get(name="Amber")
    assert organisation.red_status == RagStatus.objects.get(name="Red")


# --- On the dashboard -------------------------------------------------------------------


def approve_with_money(report, budget, forecast, manager, sponsor):
    FinanceLine.objects.create(project=report.project, year=2023, kind=REVENUE,
                               budget=budget, forecast=forecast)  # fmt: skip
    rate(report, Overall="Red", Budget="Red")  # as bad as any tolerance could suggest
    workflow.submit(report, manager)
    report.refresh_from_db()
    workflow.approve(report, sponsor)


@pytest.mark.django_db
def test_the_dashboard_shows_and_filters_on_money_over_tolerance(
    client, project, other_project, alice, bob, charlie, dave, diana
):
    from openpyxl import load_workbook

    march = D(2024, 3, 1)
    approve_with_money(ReportFactory(project=project, period_start=march, rated=True),
                       100_000_00, 107_000_00, alice, bob)  # fmt: skip
    approve_with_money(ReportFactory(project=other_project, period_start=march, rated=True),
                       100_000_00, 103_000_00, charlie, dave)  # fmt: skip
    client.force_login(diana)
    url = reverse("projects:dashboard") + "?month=2024-03"
    page = client.get(url).content.decode()
    assert "£7,000 over (7.0 %)" in page and "£3,000 over (3.0 %)" in page
    assert "of £100,000" in page

    over = client.get(url + "&overspent=on").content.decode()
    assert "TEST.1" in over and "OTHER.2" not in over
    assert "OTHER.2" in client.get(url + "&overspent=0").content.decode()  # unticked
    # The PMO widens the tolerance: the cached page does not hide the change.
    organisation = Organisation.current()
    organisation.budget_amber_percent = 8
    organisation.save()
    over = client.get(url + "&overspent=on").content.decode()
    assert "TEST.1" not in over

    export = client.get(reverse("projects:dashboard-export") + "?month=2024-03").content
    rows = list(load_workbook(io.BytesIO(export)).active.iter_rows(values_only=True))
    headings = next(row for row in rows if row and row[0] == "Code")
    mine = next(row for row in rows if row and row[0] == "TEST.1")
    money = dict(zip(headings, mine, strict=True))
    assert money["Budget this financial year (£)"] == 100_000
    assert money["Forecast outturn (£)"] == 107_000
    assert money["Variance (£)"] == 7_000  # a number a formula can use, not text


@pytest.mark.django_db
def test_the_editor_shows_amounts_with_separators_and_reads_them_back(client, project, alice):
    line = FinanceLine.objects.create(project=project, year=2026, kind=REVENUE,
                                      spent=1_234_567_89, forecast=-50_000_00)  # fmt: skip
    client.force_login(alice)
    form = money_form(client, project)
    assert (form.fields["money-0-spent"], form.fields["money-0-forecast"]) == (
        "1,234,567.89", "-50,000")  # fmt: skip
    assert client.post(form.action, form.fields).status_code == 302
    line.refresh_from_db()
    assert (line.spent, line.forecast, line.version) == (1_234_567_89, -50_000_00, 1)


@pytest.mark.django_db
def test_a_budget_typed_while_the_pmo_set_one_is_not_dropped_silently(client, project, alice):
    line = FinanceLine.objects.create(project=project, year=2026, kind=REVENUE, spent=1)
    client.force_login(alice)
    form = money_form(client, project)  # the budget is still open to the manager
    FinanceLine.objects.filter(pk=line.pk).update(budget=500_00, version=2)  # the PMO, meanwhile
    form.fields["money-0-budget"] = "900"
    page = client.post(form.action, form.fields).content.decode()
    assert "Someone else changed these figures" in page
    line.refresh_from_db()
    assert line.budget == 500_00

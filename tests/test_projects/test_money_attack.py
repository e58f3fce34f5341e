"""A hostile review of project money (issue 20): each test here states a rule the money
feature should keep and, at the time of writing, does not."""

import datetime

import pytest
from django.urls import reverse

from projects import workflow
from projects.forms.money import parse_pounds
from projects.models import FinanceLine, Organisation, RagStatus
from tests.factories import ProgrammeFactory, ProjectFactory, ReportFactory, rate
from tests.forms import read_form

D = datetime.date
CAPITAL, REVENUE = FinanceLine.Kind.CAPITAL, FinanceLine.Kind.REVENUE


def money_form(client, project):
    return read_form(client, reverse("projects:money-edit", args=[project.code]))


def edit_url(report):
    return reverse("projects:report-edit", args=[report.project.code, report.period_slug])


@pytest.fixture
def march_2027(project):
    """TEST.1's draft for March 2027 (financial year 2026-27), rated Green throughout."""
    report = ReportFactory(project=project, period_start=D(2027, 3, 1), rated=True)
    rate(report, Overall="Green", Timeline="Green", Budget="Green")
    report.ratings.update(comment="")
    return report


def approve(report, manager, sponsor, **ratings):
    rate(report, **ratings)
    workflow.submit(report, manager)
    report.refresh_from_db()
    workflow.approve(report, sponsor)
    report.refresh_from_db()
    return report


# --- Typed amounts ------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["12,50", "12,5", "1,2"])
def test_misplaced_thousands_separators_are_refused_not_read_as_a_bigger_amount(typed):
    # "12,50" is how much of Europe writes twelve pounds fifty: read as £1,250 it is a
    # hundredfold error saved without a word. Commas only ever separate groups of three.
    with pytest.raises(ValueError):
        parse_pounds(typed)


@pytest.mark.parametrize("typed", ["١٢٣", "１２３", "१२३"])
def test_digits_of_other_scripts_are_refused(typed):
    # Python's \d and int() take any script's digits: "١٢٣" is saved as £123 and shown
    # back as "123", not as typed. An amount is written in 0-9.
    with pytest.raises(ValueError):
        parse_pounds(typed)


def test_a_negative_inside_accountants_brackets_is_not_read_as_positive():
    # "(-500)" is a mistake, not +£500: the sign is doubled and silently cancelled.
    with pytest.raises(ValueError):
        parse_pounds("(-500)")


# --- The tolerance rule -------------------------------------------------------------------


@pytest.mark.django_db
def test_a_line_without_a_budget_does_not_hide_another_lines_overspend(project, alice,
                                                                      march_2027):  # fmt: skip
    # Capital is 50 % over its budget: far beyond the Red tolerance of 10 %. A revenue line
    # with spend but no budget yet makes the year's total budget unknown, and with it the
    # tolerance disappears: Budget rated Green goes through with no word of why.
    FinanceLine.objects.create(project=project, year=2026, kind=CAPITAL,
                               budget=100_000_00, forecast=150_000_00)  # fmt: skip
    FinanceLine.objects.create(project=project, year=2026, kind=REVENUE, spent=5_00)
    with pytest.raises(workflow.TransitionNotAllowed) as refused:
        workflow.submit(march_2027, alice)
    assert "Budget: say why it is Green" in str(refused.value)


@pytest.mark.django_db
def test_clearing_one_lines_forecast_does_not_hide_another_lines_overspend(
    client, project, alice, march_2027
):
    # The same evasion on the report form itself: blank the revenue forecast and the
    # capital overspend no longer asks for a comment.
    FinanceLine.objects.create(project=project, year=2026, kind=CAPITAL,
                               budget=100_000_00, forecast=150_000_00)  # fmt: skip
    FinanceLine.objects.create(project=project, year=2026, kind=REVENUE,
                               budget=10_000_00, forecast=10_000_00)  # fmt: skip
    client.force_login(alice)
    form = read_form(client, edit_url(march_2027))
    revenue = next(k[: -len("-forecast")] for k, v in form.fields.items()
                   if k.endswith("-forecast") and v == "10,000")  # fmt: skip
    form.fields[f"{revenue}-forecast"] = ""
    response = client.post(form.action, form.fields)
    assert response.status_code == 200, "saved: the capital overspend asked for no comment"
    assert "A comment is needed here" in response.content.decode()
    assert FinanceLine.objects.get(kind=REVENUE).forecast == 10_000_00  # nothing saved


@pytest.mark.django_db
def test_money_changed_while_a_report_awaits_approval_is_not_frozen_unexplained(
    client, project, alice, bob, march_2027
):
    # Submitted on budget, rated Green. While the sponsor reads it the manager raises the
    # forecast on the Money page (which stays open to them): approval then freezes a 50 %
    # overspend beside a Green budget with no comment, which submission would have refused.
    line = FinanceLine.objects.create(project=project, year=2026, kind=CAPITAL,
                                      budget=100_000_00, forecast=100_000_00)  # fmt: skip
    workflow.submit(march_2027, alice)
    march_2027.refresh_from_db()
    client.force_login(alice)
    form = money_form(client, project)
    form.fields["money-0-forecast"] = "150,000"
    client.post(form.action, form.fields)
    line.refresh_from_db()
    changed = line.forecast != 100_000_00
    try:
        workflow.approve(march_2027, bob)
    except workflow.TransitionNotAllowed:
        return  # refused: the rule holds
    march_2027.refresh_from_db()
    frozen = march_2027.approved_snapshot["money"]["total"]["forecast"]
    assert not changed and frozen == 100_000_00, (
        "a report was approved with money changed after submission and a Budget rating "
        "better than the tolerances suggest, without a comment"
    )


@pytest.mark.django_db
def test_a_report_spanning_the_year_end_answers_for_the_year_it_closes(project, alice):
    # A quarterly report for February to April 2027 covers the last two months of 2026-27,
    # whose capital is 50 % over budget. The report is taken to speak only for 2027-28 (the
    # year its period ends in), which has no money yet: 2026-27 is neither printed nor
    # held to the tolerance, and Budget rated Green goes through without a word.
    report = ReportFactory(project=project, period_start=D(2027, 2, 1),
                           period_end=D(2027, 4, 30), rated=True)  # fmt: skip
    rate(report, Overall="Green", Timeline="Green", Budget="Green")
    report.ratings.update(comment="")
    FinanceLine.objects.create(project=project, year=2026, kind=CAPITAL,
                               budget=100_000_00, forecast=150_000_00)  # fmt: skip
    with pytest.raises(workflow.TransitionNotAllowed) as refused:
        workflow.submit(report, alice)
    assert "Budget: say why it is Green" in str(refused.value)


# --- Saves over someone else's change -----------------------------------------------------


@pytest.mark.django_db
def test_removing_a_line_someone_changed_meanwhile_is_refused(client, project, alice):
    # Erin updates the forecast; Alice, whose page was opened before, ticks Remove. Her
    # stale removal wipes Erin's figures without a word: the version check is skipped for
    # a form marked for deletion.
    line = FinanceLine.objects.create(project=project, year=2026, kind=REVENUE, spent=1_00)
    client.force_login(alice)
    form = money_form(client, project)
    FinanceLine.objects.filter(pk=line.pk).update(forecast=9_000_00, version=2)  # Erin's save
    form.fields["money-0-DELETE"] = "on"
    response = client.post(form.action, form.fields)
    assert FinanceLine.objects.filter(pk=line.pk).exists()
    assert "Someone else changed these figures" in response.content.decode()


@pytest.mark.django_db
def test_the_report_form_does_not_save_over_a_money_page_save_made_meanwhile(
    client, project, alice, march_2027, monkeypatch
):
    # The report form checks the lines' versions, then saves them later without holding
    # them (the Money page holds the project row; the report form does not): a Money page
    # save landing between the check and the write is overwritten. Simulated here by the
    # PMO's change arriving just before save_report writes.
    from projects import report_views

    line = FinanceLine.objects.create(project=project, year=2026, kind=CAPITAL,
                                      budget=100_000_00, spent=0, forecast=100_000_00)  # fmt: skip
    original = report_views.save_report

    def save_after_a_concurrent_money_save(*args, **kwargs):
        FinanceLine.objects.filter(pk=line.pk).update(spent=42_000_00, version=2)
        return original(*args, **kwargs)

    monkeypatch.setattr(report_views, "save_report", save_after_a_concurrent_money_save)
    client.force_login(alice)
    form = read_form(client, edit_url(march_2027))
    form.fields["money-0-forecast"] = "99,000"
    client.post(form.action, form.fields)
    line.refresh_from_db()
    assert line.spent == 42_000_00, "the concurrent save's spend to date was silently lost"


# --- Escaping -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_status_name_is_escaped_in_the_tolerance_hint(client, project, alice, march_2027):
    # The hint under the Budget rating is a field's help text, which crispy prints |safe:
    # the RAG status's name goes into it unescaped.
    red = RagStatus.objects.get(name="Red")
    red.name = "Red<script>alert(1)</script>"
    red.save()
    FinanceLine.objects.create(project=project, year=2026, kind=CAPITAL,
                               budget=100_00, forecast=150_00)  # fmt: skip
    client.force_login(alice)
    page = client.get(edit_url(march_2027)).content.decode()
    assert "The tolerances suggest at least Red" in page
    assert "<script>alert(1)</script>" not in page


# --- A programme's roll-up ------------------------------------------------------------------


@pytest.fixture
def programme(alice, bob, charlie, dave, erin):
    programme = ProgrammeFactory(code="PROG", name="Libraries Programme", manager=erin,
                                 sponsor=bob)  # fmt: skip
    ProjectFactory(code="LIB.1", name="Library Refurbishment", manager=alice, sponsor=bob,
                   parent=programme)  # fmt: skip
    ProjectFactory(code="DEP.2", name="Depot Move", manager=charlie, sponsor=dave,
                   parent=programme)  # fmt: skip
    return programme


@pytest.mark.django_db
def test_the_programme_total_never_adds_different_financial_years(
    programme, alice, bob, charlie, dave
):
    # The library's latest approved report is March 2024 (2023-24); the depot's is April
    # 2024 (2024-25). The roll-up adds a 2023-24 budget to a 2024-25 one and prints the sum
    # as "The programme in total": a figure for no year at all.
    from reports.kinds.rollup import rollup

    library, depot = programme.children.get(code="LIB.1"), programme.children.get(code="DEP.2")
    FinanceLine.objects.create(project=library, year=2023, kind=CAPITAL,
                               budget=200_000_00, forecast=200_000_00)  # fmt: skip
    FinanceLine.objects.create(project=depot, year=2024, kind=REVENUE,
                               budget=80_000_00, forecast=80_000_00)  # fmt: skip
    approve(ReportFactory(project=library, period_start=D(2024, 3, 1), rated=True), alice, bob,
            Overall="Green", Budget="Green", Timeline="Green")  # fmt: skip
    approve(ReportFactory(project=depot, period_start=D(2024, 4, 1), rated=True), charlie,
            dave, Overall="Green", Budget="Green", Timeline="Green")  # fmt: skip

    money = rollup(programme, D(2024, 4, 30))["money"]
    assert len(money["years"]) == 2  # both years are there...
    # ...so no one total may be printed for them together.
    assert money["total"]["budget"] is None, "£280,000 printed as one year's total"


@pytest.mark.django_db
def test_a_project_whose_year_total_is_incomplete_is_not_dropped_from_the_programme(
    programme, alice, bob, charlie, dave
):
    # The depot's capital is 60 % over; its revenue line has no budget yet, so its year
    # total budget is unknown. The roll-up drops the depot from the money table altogether
    # and "The programme in total" is the library alone: the overspend vanishes.
    from reports.kinds.rollup import rollup

    library, depot = programme.children.get(code="LIB.1"), programme.children.get(code="DEP.2")
    FinanceLine.objects.create(project=library, year=2023, kind=CAPITAL,
                               budget=200_000_00, forecast=200_000_00)  # fmt: skip
    FinanceLine.objects.create(project=depot, year=2023, kind=CAPITAL,
                               budget=50_000_00, forecast=80_000_00)  # fmt: skip
    FinanceLine.objects.create(project=depot, year=2023, kind=REVENUE, spent=1_000_00)
    approve(ReportFactory(project=library, period_start=D(2024, 3, 1), rated=True), alice, bob,
            Overall="Green", Budget="Green", Timeline="Green")  # fmt: skip
    approve(ReportFactory(project=depot, period_start=D(2024, 3, 1), rated=True), charlie,
            dave, Overall="Red", Budget="Red", Timeline="Green")  # fmt: skip

    money = rollup(programme, D(2024, 3, 31))["money"]
    codes = [line["code"] for group in money["groups"] for line in group["lines"]]
    assert "DEP.2" in codes, "a project with money is missing from the programme's money"
    assert money["total"]["budget"] != 200_000_00, "the library alone printed as the total"


@pytest.mark.django_db
def test_the_programme_report_carries_the_highest_marking_of_what_it_rolls_up(
    programme, alice, bob, erin
):
    # The programme's report now prints its projects' RAG, late milestones and money. A
    # project marked OFFICIAL-SENSITIVE has its figures printed in a PDF that carries only
    # the programme's own OFFICIAL marking (the page's banner takes the children's; the
    # document does not).
    from reports.kinds import get_kind
    from tests.factories import marking

    library = programme.children.get(code="LIB.1")
    library.marking = marking("OFFICIAL-SENSITIVE")
    library.save()
    FinanceLine.objects.create(project=library, year=2023, kind=CAPITAL,
                               budget=200_000_00, forecast=260_000_00)  # fmt: skip
    approve(ReportFactory(project=library, period_start=D(2024, 3, 1), rated=True), alice, bob,
            Overall="Red", Budget="Red", Timeline="Green")  # fmt: skip
    report = ReportFactory(project=programme, period_start=D(2024, 3, 1), rated=True)
    kind = get_kind("highlight_report")
    data = kind.gather(report)
    assert data["rollup"]["money"]["groups"][0]["lines"][0]["code"] == "LIB.1"
    assert kind.letterhead(report, data)["marking"] == "OFFICIAL-SENSITIVE"


# --- The PMO's tolerance settings -----------------------------------------------------------


@pytest.mark.django_db
def test_the_tolerances_red_status_must_be_worse_than_their_amber_one(client, pam):
    # Thresholds are checked (Red beyond Amber), the statuses they name are not: a PMO who
    # picks Green for "the status tolerances call Red" switches the budget and timeline rule
    # off without a word (no rating is ever better than Green).
    green, red = RagStatus.objects.get(name="Green"), RagStatus.objects.get(name="Red")
    client.force_login(pam)
    form = read_form(client, reverse("projects:organisation-settings"))
    form.fields.update({"amber_status": str(red.pk), "red_status": str(green.pk)})
    response = client.post(form.action, form.fields)
    organisation = Organisation.objects.get()
    assert organisation.red_status_id == red.pk or organisation.red_status_id is None, (
        "a Red tolerance status better than the Amber one was saved"
    )
    assert response.status_code == 200

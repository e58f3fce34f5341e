"""Money's figures and rules, in one place (issue 20): financial years, variance against
the approved budget, and how a report prints a project's money. Amounts are pence (whole
numbers, so sums are exact); pages and documents only print what this module works out."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from . import access
from .models import Organisation
from .models.money import year_label


def year_of(day, start_month=None):
    """The financial year `day` falls in, as the calendar year it starts in (2026 for
    15/06/2026 or 15/02/2027 when years start in April)."""
    start_month = start_month or Organisation.current().financial_year_start
    return day.year if day.month >= start_month else day.year - 1


def report_year(report):
    """The financial year a report's totals are for: the one its period ends in."""
    return year_of(report.period_end)


def report_years(report):
    """Every financial year a report's period touches (a quarter from February to April
    closes one year and opens the next): it answers for each."""
    return list(range(year_of(report.period_start), year_of(report.period_end) + 1))


def pounds(pence):
    """£ with thousands separators, to the pound (half a pound rounds up): "£1,234,568";
    "−£500" below zero; "" for no figure."""
    if pence is None:
        return ""
    whole = (abs(pence) + 50) // 100
    return f"{'−' if pence < 0 and whole else ''}£{whole:,}"


def exact_pounds(pence):
    """As a form shows a figure to change it, to the penny and read back as typed:
    "1,234,567.89" (no £: the field's label says pounds)."""
    if pence is None:
        return ""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}{whole:,}.{part:02d}" if part else f"{sign}{whole:,}"


@dataclass(frozen=True)
class Variance:
    """The forecast outturn against the approved budget: above zero is an overspend."""

    amount: int  # pence
    budget: int  # pence

    @property
    def percent(self):
        """The overspend as a share of the budget (a Decimal, exact); None for a zero
        budget."""
        return Decimal(self.amount * 100) / Decimal(self.budget) if self.budget else None

    @property
    def over(self):
        return self.amount > 0

    @property
    def percent_shown(self):
        if self.percent is None:
            return ""
        return f"{abs(self.percent).quantize(Decimal('0.1'), ROUND_HALF_UP)} %"

    def __str__(self):
        if self.amount == 0:
            return "On budget"
        direction = "over" if self.over else "under"
        shown = f" ({self.percent_shown})" if self.percent_shown else ""
        return f"{pounds(abs(self.amount))} {direction}{shown}"


def variance(budget, forecast):
    """The Variance, or None while the budget or the forecast is missing."""
    if budget is None or forecast is None:
        return None
    return Variance(forecast - budget, budget)


def add(values):
    """The sum of the figures, or None when any is missing: a total of some of them would
    read as the whole (and its variance as the project's)."""
    values = list(values)
    if not values or any(value is None for value in values):
        return None
    return sum(values)


def totals(lines):
    """(budget, spent, forecast) summed over `lines`, each None where a line lacks it."""
    lines = list(lines)
    return tuple(add(getattr(line, name) for line in lines) for name in FIGURES)


FIGURES = ("budget", "spent", "forecast")


# --- Who may change what ----------------------------------------------------------------


def by_year(lines):
    """A project's money as its Money page shows it: each financial year's lines and their
    total, oldest first."""
    years = {}
    for line in lines:
        years.setdefault(line.year, []).append(line)
    start_month = Organisation.current().financial_year_start
    return [
        {
            "year": year, "year_label": year_label(year, start_month),
            "lines": [(line, figures(line.budget, line.spent, line.forecast)) for line in group],
            "total": figures(*totals(group)),
        }
        for year, group in sorted(years.items())
    ]  # fmt: skip


def may_edit(user, project):
    """A project's money is kept by whoever writes its reports: its manager, its editors,
    and the PMO."""
    return access.keeps_project_records(user, project)


def may_change_budget(user, line):
    """A budget is set once by whoever keeps the money; after that it is the approved
    figure, which only the PMO changes (as the finance system's extract does)."""
    return line is None or line.pk is None or line.budget is None or access.is_pmo(user)


# --- In a highlight report ---------------------------------------------------------------


def figures(budget, spent, forecast):
    """One line's or a total's figures as a report prints them."""
    gap = variance(budget, forecast)
    return {
        "budget": budget, "spent": spent, "forecast": forecast,
        "budget_shown": pounds(budget), "spent_shown": pounds(spent),
        "forecast_shown": pounds(forecast),
        "variance": gap.amount if gap else None,
        "variance_shown": str(gap) if gap else "",
        "over": bool(gap and gap.over),
    }  # fmt: skip


def report_money(lines, years, previous=None):
    """A project's money lines (FinanceLine, saved or not) from the first of the report's
    financial `years` on, as a report prints them (plain data, frozen with the report at
    approval), with each line's forecast as the last approved report gave it (`previous`,
    that report's own money). The total is the last year's. {} for no money recorded."""
    years = [years] if isinstance(years, int) else list(years)
    year = years[-1]
    lines = [line for line in lines if line.year >= years[0]]
    if not lines:
        return {}
    before = {(line["year"], line["kind"]): line for line in (previous or {}).get("lines", [])}
    start_month = Organisation.current().financial_year_start
    printed = []
    for line in lines:
        last = before.get((line.year, line.kind), {})
        moved = None
        if last.get("forecast") is not None and line.forecast is not None:
            moved = line.forecast - last["forecast"]
        printed.append({
            "year": line.year, "year_label": year_label(line.year, start_month),
            "kind": line.kind, "kind_shown": line.get_kind_display(),
            **figures(line.budget, line.spent, line.forecast),
            "previous_forecast_shown": pounds(last.get("forecast")),
            "moved": movement_words(moved),
            "from_finance_system": (line.from_finance_system.strftime("%B %Y")
                                    if line.from_finance_system else ""),
        })  # fmt: skip
    this_year = [line for line in lines if line.year == year]
    return {
        "year": year, "year_label": year_label(year, start_month), "years": years,
        "lines": printed,
        # Whether the last approved report gave any forecast: else no column for it.
        "has_previous": any(line["previous_forecast_shown"] for line in printed),
        "total": figures(*totals(this_year)) if this_year else {},
    }  # fmt: skip


def movement_words(pence):
    if not pence:
        return ""
    return f"{pounds(abs(pence))} {'more' if pence > 0 else 'less'}"


def year_total(money):
    """(budget, forecast) of the report's financial year, from a report's money."""
    total = (money or {}).get("total") or {}
    return total.get("budget"), total.get("forecast")


# A forecast spend against no budget at all: beyond any percentage a tolerance could set.
NO_BUDGET = Decimal("999999999.9")
MOST_PERCENT = NO_BUDGET - Decimal("0.1")


def overspend(budget, forecast):
    """How far `forecast` is over `budget`, in percent (a Decimal; below zero when under);
    NO_BUDGET for a spend with no budget; None while there is no forecast."""
    if forecast is None or (budget is None and forecast <= 0):
        return None
    if not budget:
        return NO_BUDGET if forecast > 0 else Decimal(0)
    # A penny's budget against a billion's forecast is 10^13 % over: held just below no
    # budget at all, as the report's stored percentage holds no more.
    return min(variance(budget, forecast).percent, MOST_PERCENT)


def worst_overspend(money):
    """(what, pence over, percent) of the furthest over budget of a report's money: its
    last year's total, or any line of the years it speaks for, capital and revenue apart
    (one line on budget does not hide the other's overspend, nor a line left without a
    figure). None when nothing can be measured."""
    money = money or {}
    years = set(money.get("years") or [money.get("year")])
    total = money.get("total") or {}
    measured = []
    if total:
        measured.append((money["year_label"], total.get("budget"), total.get("forecast")))
    for line in money.get("lines") or []:
        if line["year"] in years:
            what = f"{line['year_label']} {line['kind_shown'].lower()}"
            measured.append((what, line.get("budget"), line.get("forecast")))
    worst = None
    for what, budget, forecast in measured:
        percent = overspend(budget, forecast)
        if percent is not None and (worst is None or percent > worst[2]):
            worst = (what, forecast - (budget or 0), percent)
    return worst

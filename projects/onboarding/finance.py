"""Importing the finance system's extract (issue 20): for each project (named by its code
or its cost centre), period and kind of money, the approved budget, the spend to date and
the forecast outturn. A line is matched on its project, financial year and kind, so the
same extract imported again changes nothing. Figures the extract sets are marked as the
finance system's for its month, for the manager to check and confirm with the next report;
the export writes the financial year instead of a month, and imports again unchanged."""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.utils import timezone

from .. import finance
from ..forms.money import parse_pounds
from ..models import FinanceLine, Organisation, Project
from ..models.common import FIRST_YEAR, LAST_YEAR
from ..models.money import MOST_PENCE
from ..spreadsheets import RowError, changed_fields, save_version, text
from .rag_history import read_month
from .table import Codes, TableImporter

HEADINGS = {
    "project": ["project", "code", "projectcode", "projectid"],
    "cost_centre": ["costcentre", "costcenter", "costcode", "cc"],
    "period": ["period", "month", "periodending", "accountingperiod"],
    "year": ["financialyear", "year", "fy"],
    "kind": ["kind", "type", "capitalorrevenue", "capitalrevenue", "caprev", "expendituretype"],
    "budget": ["budget", "approvedbudget", "currentbudget", "annualbudget"],
    "spent": ["actual", "actuals", "spent", "spend", "spendtodate", "actualtodate", "ytdactual"],
    "forecast": ["forecast", "forecastoutturn", "outturn", "projectedoutturn"],
}
COLUMNS = ("Project", "Cost centre", "Period", "Kind", "Budget", "Actual", "Forecast")
FIGURES = {"budget": "Budget", "spent": "Actual", "forecast": "Forecast"}
KINDS = {
    "capital": FinanceLine.Kind.CAPITAL, "cap": FinanceLine.Kind.CAPITAL,
    "revenue": FinanceLine.Kind.REVENUE, "rev": FinanceLine.Kind.REVENUE,
}  # fmt: skip
# "2026-27", "2026/27", "FY 2026-2027": a financial year.
FINANCIAL_YEAR = re.compile(r"^(?:fy\s*)?(?P<start>\d{4})\s*[-/]\s*(?P<end>\d{2}|\d{4})$", re.I)
# "P6 2026-27", "Period 06 2026/27": the sixth month of that financial year.
NUMBERED_PERIOD = re.compile(
    r"^p(?:eriod)?\s*(?P<number>\d{1,2})\s*,?\s+(?P<year>.+)$", re.I
)  # fmt: skip


def financial_year(value, start_month):
    """The year a cell names as a financial year ("2026-27"; "2026" where years are
    calendar years), or None when it names none."""
    written = text(value)
    found = FINANCIAL_YEAR.match(written)
    if found:
        start, end = int(found["start"]), found["end"]
        if int(end) in ((start + 1) % 100, start + 1) and start_month != 1:
            return start
        return None
    if start_month == 1 and re.fullmatch(r"\d{4}", written):
        return int(written)
    return None


def numbered_month(number, year, start_month):
    """The first day of period `number` (1 to 12) of a financial year."""
    months = start_month - 1 + number - 1
    return datetime.date(year + months // 12, months % 12 + 1, 1)


def period(row, start_month):
    """(financial year, the month the figures are for or None) from the Period cell, or
    the Year cell and the period's number in it (as many finance systems write them)."""
    example = finance.year_label(2026, start_month)
    year, month = None, None
    if text(row.cells.get("year")):
        year = financial_year(row.cells.get("year"), start_month)
        if year is None:
            raise RowError(f"Year is {row.text('year')!r}: write a financial year, {example}.")
    written = row.text("period")
    numbered = re.fullmatch(r"(?:p(?:eriod)?\s*)?(\d{1,2})", written, re.I)
    if numbered and year is not None:
        if not 1 <= int(numbered[1]) <= 12:
            raise RowError(f"Period {written!r} is not one of a year's 12 periods.")
        month = numbered_month(int(numbered[1]), year, start_month)
    elif written:
        month_year, month = read_period(row.cells.get("period"), start_month, example)
        if year is not None and month_year != year:
            raise RowError(f"Period {written!r} is not in the year {row.text('year')}.")
        year = month_year
    if year is None:
        raise RowError("Give the period: a month (2026-09, September 2026, P6 "
                       f"{example}) or a financial year ({example}).")  # fmt: skip
    if month and month > timezone.localdate().replace(day=1):
        raise RowError(f"{month:%B %Y} is still to come: the finance system reports months "
                       "that have started.")  # fmt: skip
    return year, month


def read_period(value, start_month, example):
    """(financial year, month or None) from a Period cell that says which year it is in."""
    written = text(value)
    year = financial_year(value, start_month)
    if year is not None:
        return year, None
    numbered = NUMBERED_PERIOD.match(written)
    if numbered:
        year = financial_year(numbered["year"], start_month)
        if year is None or not 1 <= int(numbered["number"]) <= 12:
            raise RowError(f"The period {written!r} is not a period of a financial year: "
                           f"write P6 {example}.")  # fmt: skip
        month = numbered_month(int(numbered["number"]), year, start_month)
    else:
        try:
            month = read_month(value)
        except RowError:
            raise RowError(f"The period {written!r} is not a month or a financial year: write "
                           f"2026-09, September 2026 or {example}.") from None  # fmt: skip
    return finance.year_of(month, start_month), month


def pence(value, heading):
    """An amount cell in pence: a number as the spreadsheet holds it, or pounds as text."""
    if isinstance(value, bool):
        raise RowError(f"{heading} is {text(value)!r}: write an amount in pounds.")
    if isinstance(value, int | float | Decimal):
        try:
            exact = Decimal(str(value)) * 100
        except InvalidOperation:
            raise RowError(f"{heading} is not an amount in pounds.") from None
        whole = exact.to_integral_value()
        # A spreadsheet's sums leave traces such as 1234.5600000001: a trace is not a penny.
        if not exact.is_finite() or abs(exact - whole) > Decimal("0.0001"):
            raise RowError(f"{heading} {text(value)!r} has part of a penny: write pounds and "
                           "pence.")  # fmt: skip
        amount = int(whole)
    else:
        try:
            amount = parse_pounds(text(value))
        except ValueError:
            raise RowError(f"{heading} {text(value)!r} is not an amount in pounds: write "
                           "12500, 12,500.50 or (500).") from None  # fmt: skip
    if abs(amount) > MOST_PENCE:
        raise RowError(f"{heading} {text(value)!r} is beyond any budget Highlight holds.")
    return amount


def figures(row):
    values = {}
    for column, heading in FIGURES.items():
        if column in row.present and text(row.cells.get(column)):
            values[column] = pence(row.cells.get(column), heading)
    if values.get("budget", 0) < 0:
        raise RowError("The budget is below zero: a budget is what may be spent.")
    return values  # none at all: a line whose figures are to come, as the Money page saves


class FinanceImporter(TableImporter):
    upload_key = "finance"
    HEADINGS = HEADINGS
    NEEDED = (("project", "cost_centre"), ("period", "year"), ("kind",))

    def __init__(self, target):
        super().__init__(target)
        self.named = None  # the projects the file names, once read
        self.start_month = Organisation.current().financial_year_start
        self.PARSERS = (self.line, figures)

    def identity(self, values):
        return (values["project"].pk, values["year"], values["kind"])

    def records(self):
        # The lines of the projects the file names, once read: a manager saving another
        # project's money between the preview and the confirmation changes nothing here.
        lines = FinanceLine.objects.all()
        return lines if self.named is None else lines.filter(project__in=self.named)

    def parse(self, sheets):
        projects = list(Project.objects.all())
        self.projects = Codes(projects, lambda p: p.code)
        self.centres = Codes(projects, lambda p: p.cost_centre)
        items = super().parse(sheets)
        self.named = sorted({row.values["project"].pk for row in items})
        return items

    def line(self, row):
        row.values["ref"] = row.text("project") or row.text("cost_centre")
        project = self.project(row)
        year, month = period(row, self.start_month)
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise RowError(f"{finance.year_label(year, self.start_month)} is outside the years "
                           "Highlight holds.")  # fmt: skip
        word = row.text("kind").lower()
        if word not in KINDS:
            raise RowError(f"Kind is {row.text('kind')!r}: write Capital or Revenue.")
        kind = KINDS[word]
        label = f"{finance.year_label(year, self.start_month)} {kind.label.lower()}"
        return {"ref": f"{project.code} {label}", "project": project, "year": year,
                "kind": kind, "month": month}  # fmt: skip

    def project(self, row):
        code, centre = row.text("project"), row.text("cost_centre")
        by_code = self.projects.find(code) if code else None
        by_centre = self.centres.find(centre, "cost centre") if centre else None
        if code and by_code is None:
            raise RowError(f"No project has the code {code!r}.", ref=code)
        if centre and by_centre is None and not code:
            raise RowError(f"No project has the cost centre {centre!r}: set it on the "
                           "project (Edit project) first.", ref=centre)  # fmt: skip
        if by_code and centre and by_centre != by_code:
            raise RowError(f"{by_code.code}'s cost centre is {by_code.cost_centre or 'not set'}, "
                           f"not {centre!r}.", ref=code)  # fmt: skip
        if not (by_code or by_centre):
            raise RowError("Give the project's code or its cost centre.")
        return by_code or by_centre

    def write(self, parsed, user):
        projects = sorted({row.values["project"].pk for row in parsed})
        # Each project held as its Money page holds it while saving, so a manager's save
        # and the import are one after the other, and the manager's stale form is refused.
        list(Project.objects.select_for_update().filter(pk__in=projects).order_by("pk"))
        held = FinanceLine.objects.select_for_update().filter(project__in=projects)
        lines = {(f.project_id, f.year, f.kind): f for f in held}
        for row in parsed:
            self.write_line(row, lines.get(self.identity(row.values)), user)

    def write_line(self, row, line, user):
        values = row.values
        month, held = values["month"], line and line.from_finance_system
        if month and held and month < held:
            message = (
                f"These figures are for {month:%B %Y}; the line holds the finance "
                f"system's for {held:%B %Y} already: import the latest extract."
            )
            self.problem("errors", row.sheet, row.number, values["ref"], message)
            return
        figures = {k: values[k] for k in FIGURES if k in values}
        if values["month"]:
            figures["from_finance_system"] = values["month"]
        if line is None:
            line = FinanceLine(project=values["project"], year=values["year"],
                               kind=values["kind"], **figures)  # fmt: skip
            line._history_user = user
            line.save()
            self.outcome.created += 1
            self.outcome.changes.append(("create", values["ref"], ""))
            return
        before = {name: getattr(line, name) for name in FIGURES}
        changed = changed_fields(line, figures)
        if changed and not values["month"] and line.from_finance_system:
            # Figures changed without a month are no longer the finance system's for it.
            figures["from_finance_system"] = None
            changed.append("from_finance_system")
        if not changed:
            self.outcome.unchanged += 1
            return
        save_version(line, {k: figures[k] for k in changed}, user)
        self.outcome.updated += 1
        shown = [f"{FIGURES[name]} {finance.pounds(before[name]) or 'none'} → "
                 f"{finance.pounds(figures[name]) or 'none'}"
                 for name in FIGURES if name in changed]  # fmt: skip
        if "from_finance_system" in changed:
            month = figures["from_finance_system"]
            shown.append(f"the finance system's for {month:%B %Y}" if month
                         else "no longer the finance system's")  # fmt: skip
        self.outcome.changes.append(("update", values["ref"], "; ".join(shown)))


def finance_rows():
    """Every project's lines, in the layout the import reads (a financial year as the
    period, so the export imports again unchanged)."""
    lines = FinanceLine.objects.select_related("project").order_by("project__code", "year", "kind")
    return [
        [line.project.code, line.project.cost_centre, line.year_label, line.get_kind_display(),
         *(None if getattr(line, k) is None else Decimal(getattr(line, k)) / 100
           for k in FIGURES)]
        for line in lines
    ]  # fmt: skip

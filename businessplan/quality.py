"""Data-quality findings on a plan's activities: an end before its start, a date outside the
plan's year, a ref that names two activities, an activity listed as completed that is also
carried into this year's plan.

One function, `findings`, judges them: the importer reports them as warnings with their
sheet and row, and the internal PDF lists the stored activities' in its appendix, so the
appendix is always current (no findings are stored).
"""

import datetime
from dataclasses import dataclass

from projects.models import Organisation
from projects.spreadsheets import normalise

from .models import Activity

FINISHED = {Activity.Status.COMPLETED, Activity.Status.EXCEEDED}
STATUS = dict(Activity.Status.choices)


@dataclass(frozen=True)
class Entry:
    """What the findings need of an activity, read from a workbook row or a stored one."""

    section: str
    row: int  # the workbook row (an imported activity keeps it as its order)
    ref: str
    title: str
    start: datetime.date | None
    end: datetime.date | None
    status: str
    origin: str


@dataclass(frozen=True)
class Finding:
    section: str
    row: int
    ref: str
    message: str


def plan_year(plan):
    """(first day, last day) of the plan's year: its own dates, or else its year ("2019-20")
    from the month the organisation's financial year starts in; None when neither is known."""
    if plan.start and plan.end:
        return plan.start, plan.end
    first = plan.year[:4]
    if not first.isdigit():
        return None
    month = Organisation.current().financial_year_start
    start = datetime.date(int(first), month, 1)
    return start, datetime.date(start.year + 1, month, 1) - datetime.timedelta(days=1)


def findings(entries, year):
    """The findings on `entries` (in the plan's order), `year` being plan_year's answer."""
    found = []
    for entry in entries:
        found += _dates(entry, year)
    return found + _repeats(entries)


def _dates(entry, year):
    start, end = entry.start, entry.end
    found = []
    if start and end and end < start:
        found.append(f"The end date {end:%d/%m/%Y} is before the start date {start:%d/%m/%Y}.")
    if year:
        first, last = year
        dates, span = [("start", start), ("end", end)], "the plan's year"
        if entry.origin == Activity.Origin.CARRIED_FORWARD:
            # Last year's list: its activities ran last year, and some run on into this one.
            first = datetime.date(first.year - 1, first.month, min(first.day, 28))
            dates, span = [("end", end)], "last year and this"
        for label, day in dates:
            if day and not first <= day <= last:
                found.append(
                    f"The {label} date {day:%d/%m/%Y} is outside {span} "
                    f"({first:%d/%m/%Y} to {last:%d/%m/%Y})."
                )
    return [Finding(entry.section, entry.row, entry.ref, message) for message in found]


def _repeats(entries):
    """A ref that names two different activities (two titles), and an activity on last
    year's list as completed that this year's plan still carries (under the same title)."""
    found = []
    first_with_ref, finished = {}, {}
    for entry in entries:
        if entry.origin == Activity.Origin.CARRIED_FORWARD and entry.status in FINISHED:
            finished.setdefault(normalise(entry.title), entry)
    for entry in entries:
        ref, title = normalise(entry.ref), normalise(entry.title)
        other = first_with_ref.setdefault(ref, entry)
        if (
            other is not entry
            and normalise(other.title) != title
            and not _own_numbers(other, entry)
        ):
            found.append(
                Finding(
                    entry.section,
                    entry.row,
                    entry.ref,
                    f"The ref {entry.ref} is also used in {other.section} (row {other.row}) "
                    "for another activity.",
                )
            )
        done = finished.get(title)
        if done and entry.origin != Activity.Origin.CARRIED_FORWARD:
            found.append(
                Finding(
                    done.section,
                    done.row,
                    done.ref,
                    f"Listed as {STATUS[done.status].lower()}, yet carried into this year's "
                    f"plan in {entry.section} as {entry.ref} (row {entry.row}).",
                )
            )
    return found


def _own_numbers(one, other):
    """Team sheets number their own activities 1, 2, 3…: the same plain number in two of
    them names two activities, as the plan means it to."""
    return all(
        e.ref.isdigit() and e.origin != Activity.Origin.CARRIED_FORWARD for e in (one, other)
    )


def plan_findings(plan):
    """The findings on the plan's stored activities, in one query."""
    rows = (
        Activity.objects.filter(section__plan=plan)
        .order_by("section__order", "section__name", "order", "pk")
        .values_list(
            "section__name", "order", "ref", "title", "start_date", "end_date", "status", "origin"
        )
    )
    return findings([Entry(*row) for row in rows], plan_year(plan))

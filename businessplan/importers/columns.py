"""The columns of a plan's activity rows, as plans head them, and a parser for each.

A parser reads one column of a `Row` (projects.spreadsheets) and returns the values it
gives the activity; it warns through `row.warn` and refuses the row by raising `RowError`.
PARSERS runs them in order, so a row is refused for the first thing wrong with it. Text
columns are read through richtext.plain_text: HTML in a cell arrives as its words. What is
wrong across columns or rows (an end before its start, a ref used twice) is
businessplan.quality's to say.
"""

from projects.spreadsheets import RowError, column_names, normalise, read_date, text

from ..models import Activity
from .richtext import plain_text

HEADINGS = {
    "ref": ["no", "ref", "number"],
    "kind": ["type", "kind"],
    "frequency": ["frequency"],
    "start_date": ["start", "startdate"],
    "end_date": ["end", "enddate"],
    "aims": ["strategicaim", "strategicaims"],
    "priority": ["priority"],
    "owner": ["ltowner", "owner", "lead"],
    "measure": ["measure", "measurekpireporting", "kpi", "measurekpi"],
    "status": ["status"],
    "comment": ["commentupdate", "comment", "update", "comments"],
    "internal_links": ["linkstokeydocumentsthiscolumnnotforpublication", "linkstokeydocuments"],
}
COLUMN_FOR = column_names(HEADINGS)
# An activity's fields that a block without their column leaves as they are (a published
# export has no internal links column: re-importing it must not wipe them).
OPTIONAL = [
    "kind",
    "frequency",
    "start_date",
    "end_date",
    "priority",
    "status",
    "measure",
    "comment",
    "internal_links",
]
PRIORITIES = {
    "s": Activity.Priority.STATUTORY,
    "statutory": Activity.Priority.STATUTORY,
    "sh": Activity.Priority.STATUTORY_HIGH,
    "statutoryhigh": Activity.Priority.STATUTORY_HIGH,
    "h": Activity.Priority.HIGH,
    "high": Activity.Priority.HIGH,
    "m": Activity.Priority.MEDIUM,
    "medium": Activity.Priority.MEDIUM,
    "l": Activity.Priority.LOW,
    "low": Activity.Priority.LOW,
}
STATUSES = {
    "ontarget": Activity.Status.ON_TARGET,
    "slippage": Activity.Status.SLIPPAGE,
    "notstarted": Activity.Status.NOT_STARTED,
    "completed": Activity.Status.COMPLETED,
    "complete": Activity.Status.COMPLETED,
    "exceeded": Activity.Status.EXCEEDED,
    "discontinued": Activity.Status.DISCONTINUED,
}
KINDS = {"bau": Activity.Kind.BAU, "project": Activity.Kind.PROJECT}
MARKED = {"x", "y", "yes", "✓", "✔", "1", "true"}


def ref(row):
    ref = row.text("ref")
    if not ref:
        raise RowError("No ref (the No column) for this activity.")
    if len(ref) > 20 or "/" in ref:
        raise RowError("A ref is at most 20 characters, without “/”.", ref=ref[:20])
    return {"ref": ref}


def title(row):
    title = plain_text(row.text("title"))
    if not title:
        raise RowError("No activity description.")
    return {"title": title}


def choice(column, choices, label, expected):
    """The parser of a column holding one of `choices`, as written (normalised); anything
    else is warned about and left empty."""

    def parse(row):
        written = row.text(column)
        value = choices.get(normalise(written), "")
        if written and not value:
            row.warn(f"{label} {written!r} is not {expected}; left empty.")
        return {column: value}

    return parse


def frequency(row):
    return {"frequency": plain_text(row.text("frequency"))[:60]}


def date(column, label):
    """The parser of a start or end date."""

    def parse(row):
        try:
            day = read_date(row.cells.get(column))
        except ValueError:
            row.warn(f"The {label} date {row.text(column)!r} is not a date; left empty.")
            return {column: None}
        if day is None and column in row.present:
            row.warn(f"No {label} date.")
        return {column: day}

    return parse


def priority(row):
    written = row.text("priority")
    value = PRIORITIES.get(normalise(written), "")
    if not written and "priority" in row.present:
        row.warn("No priority.")
    elif not value:
        row.warn(f"Priority {written!r} is not S, S/H, H, M or L; left empty.")
    return {"priority": value}


def owner(row):
    """The owning role as written ("Dir - C&I")."""
    written = plain_text(row.text("owner"))[:100]
    if not written and "owner" in row.present:
        row.warn("No owner.")
    return {"owner": written}


def plain(column):
    """The parser of a column of text, taken as written (its words, if it holds HTML)."""
    return lambda row: {column: plain_text(row.text(column))}


def aims(row):
    """The numbers of the strategic aims the row marks (X) in their columns."""
    marked = set()
    for aim, value in row.cells.get("aims", []):
        mark = text(value).lower()
        if mark in MARKED:
            marked.add(aim)
        elif mark:
            row.warn(f"Strategic aim {aim}: {text(value)!r} is not a mark (X); not counted.")
    return {"aims": marked}


PARSERS = [
    ref,
    title,
    choice("kind", KINDS, "Type", "BAU or Project"),
    frequency,
    date("start_date", "start"),
    date("end_date", "end"),
    priority,
    choice("status", STATUSES, "Status", "a status of the plan"),
    owner,
    *(plain(name) for name in ("measure", "comment", "internal_links")),
    aims,
]

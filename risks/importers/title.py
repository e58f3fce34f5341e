"""The rows above a register's header, as councils write them: what the register calls
itself ("OPERATIONAL RISK REGISTER"), the month it is as at ("September 2016") and its name
and owner ("Performance and Projects - Robert Smyth"). What is used is kept on the register;
anything else is reported, never dropped silently."""

import datetime
import re
from dataclasses import dataclass

from projects.spreadsheets import normalise, text

MONTHS = {
    name: number
    for number, names in enumerate(
        (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"),
         ("may",), ("june", "jun"), ("july", "jul"), ("august", "aug"),
         ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
         ("december", "dec")),
        start=1,
    )
    for name in names
}  # fmt: skip
MONTH = re.compile(r"^(?:as at\s+)?([a-z]+)\.?\s+(\d{4})$", re.IGNORECASE)


@dataclass
class Title:
    heading: str = ""
    as_at: datetime.date | None = None


def month_of(cell):
    """The first day of the month a cell such as "September 2016" names, or None."""
    match = MONTH.match(cell.strip())
    if not match or match.group(1).lower() not in MONTHS:
        return None
    year = int(match.group(2))
    if not 1900 <= year <= 2199:
        return None
    return datetime.date(year, MONTHS[match.group(1).lower()], 1)


def read_title(importer, sheet, rows, header_row):
    """The register's title rows above `header_row`; problems reported to the importer."""
    title, register = Title(), importer.target
    for number, values in rows:
        if number >= header_row:
            break
        for cell in (text(v) for v in values):
            if not cell:
                continue
            month = month_of(cell)
            name, dash, owner = (part.strip() for part in cell.rpartition(" - "))
            if dash and month_of(owner) and "register" in name.lower() and not title.heading:
                # "OPERATIONAL RISK REGISTER - September 2016": the heading and its month.
                title.heading, title.as_at = name, title.as_at or month_of(owner)
            elif month and not title.as_at:
                title.as_at = month
            elif "register" in cell.lower() and not title.heading:
                title.heading = cell
            elif normalise(cell) == normalise(register.name):
                pass  # the register's own name
            elif dash and normalise(name) != normalise(register.name) and not month_of(owner):
                importer.problem("warnings", sheet, number, "", (
                    f"The title is for the register {name[:60]!r} (owner {owner[:60]!r}); it "
                    f"was imported into {register.name!r}."
                ))  # fmt: skip
            elif dash and normalise(name) == normalise(register.name):
                if normalise(owner) != normalise(register.owner.get_full_name()):
                    importer.problem("warnings", sheet, number, "", (
                        f"The title names {owner!r} as the register's owner; its owner in "
                        f"Highlight, {register.owner.get_full_name()}, is kept."
                    ))  # fmt: skip
            else:
                importer.problem("warnings", sheet, number, "", (
                    f"{cell[:80]!r} above the header is not the register's title, month or "
                    "owner, and was not imported."
                ))  # fmt: skip
    return title

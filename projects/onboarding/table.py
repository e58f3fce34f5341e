"""A sheet that is one table, a header row and a row per record, as a PMO's lists of
people and projects are; and finding the people those rows name."""

from django.db.models.functions import Lower

from ..headless import Headless, headed
from ..models import User
from ..spreadsheets import (
    HEADER_SEARCH_ROWS,
    Importer,
    Row,
    RowError,
    column_names,
    normalise,
    text,
)

YES = {"yes", "y", "true", "1", "active", "x"}
NO = {"no", "n", "false", "0", "inactive", "off"}


def yes_or_no(value, column):
    """True, False, or None for an empty cell; RowError for anything else."""
    word = text(value).lower()
    if not word:
        return None
    if word in YES or word in NO:
        return word in YES
    raise RowError(f"{column} is {text(value)!r}: write yes or no.")


def spoken(names):
    return ", ".join(name.replace("_", " ") for name in names)


class TableImporter(Importer):
    """Rows of one table. A subclass names its columns (HEADINGS: column → the normalised
    headings people write), the columns that must be there (NEEDED: each a tuple of which
    one is enough), its PARSERS (as risks.importers.columns') and `identity(values)`, the
    key two rows of one file may not share."""

    HEADINGS = {}
    NEEDED = ()
    PARSERS = ()

    def identity(self, values):
        raise NotImplementedError

    def parse(self, sheets):
        names = column_names(self.HEADINGS)
        found, items, seen = False, [], {}
        for sheet, rows in sheets:
            header = self.header(sheet, rows, names)
            if header is None:
                continue
            found = True
            header_row, headings, named = header
            present = {column for column in named if column}
            headless = Headless()
            for number, values in rows:
                if number <= header_row or not any(text(v) for v in values):
                    continue
                headless.note(number, values, headed(headings))
                cells = {c: values[i] for i, c in enumerate(named) if c and i < len(values)}
                row = self.read_row(Row(self, sheet, number, cells, present), self.PARSERS)
                if row is None:
                    continue
                key = self.identity(row.values)
                if key in seen:
                    where = f"{seen[key][0]} row {seen[key][1]}"
                    self.problem(
                        "errors",
                        sheet,
                        number,
                        row.ref,
                        f"Also on {where}: each appears once in a file.",
                    )
                    continue
                seen[key] = (sheet, number)
                items.append(row)
            headless.report(self, sheet)
        if not found:
            self.problem(
                "errors",
                sheets[0][0] if sheets else "",
                0,
                "",
                f"No sheet has a header row naming {self.needed_text()} in its "
                f"first {HEADER_SEARCH_ROWS} rows.",
            )
        return items

    def needed_text(self):
        return " and ".join(
            " or ".join(spoken([c]).capitalize() for c in one) for one in self.NEEDED
        )

    def header(self, sheet, rows, names):
        """(row number, headings, columns) of the sheet's header row; None, with the
        reason reported, when it has none or one this import cannot use."""
        found = next(
            (
                (number, values, named)
                for number, values in rows[:HEADER_SEARCH_ROWS]
                for named in [[names.get(normalise(value)) for value in values]]
                if all(any(c in named for c in one) for one in self.NEEDED)
            ),
            None,
        )
        if found is None:
            if any(any(text(v) for v in values) for _, values in rows):
                self.problem(
                    "warnings",
                    sheet,
                    0,
                    "",
                    "Not imported: no header row naming "
                    f"{self.needed_text()} in its first {HEADER_SEARCH_ROWS} rows.",
                )
            return None
        header_row, headings, named = found
        for heading, column in zip(headings, named, strict=False):
            if column is None and text(heading):
                message = f"Column {text(heading)!r} is not recognised and was not imported."
                self.problem("warnings", sheet, header_row, "", message)
        found = [c for c in named if c]
        doubled = sorted({c for c in found if found.count(c) > 1})
        if doubled:
            self.problem(
                "errors",
                sheet,
                header_row,
                "",
                f"More than one column for: {spoken(doubled)}; keep one of each.",
            )
            return None
        return header_row, headings, named


class Codes:
    """Records found by a code as a sheet writes it: exactly as Highlight has it, or else
    ignoring case when that finds one record. Codes are unique only as written (TEST.1 and
    test.1 can both exist), so a code that is two records but for case finds neither: the
    row says which to write."""

    def __init__(self, records, code_of):
        self.exact, self.folded = {}, {}
        for record in records:
            code = code_of(record)
            if code:
                self.exact[code] = record
                self.folded.setdefault(code.lower(), []).append((code, record))

    def find(self, code, what="project"):
        """The record `code` names, or None when it names none; RowError when it could be
        either of two."""
        if code in self.exact:
            return self.exact[code]
        found = self.folded.get(code.lower(), [])
        if len(found) > 1:
            written = " or ".join(repr(c) for c, _ in found)
            raise RowError(f"{code!r} could be {written}: write the {what} exactly as "
                           "Highlight has it.", ref=code)  # fmt: skip
        return found[0][1] if found else None


class People:
    """Everyone in Highlight, found by email address, username or full name, as a sheet
    names them. A full name two people share finds nobody: the row says to use the email."""

    def __init__(self, active_only=True):
        self.active_only = active_only
        self.by_key = {}
        ambiguous = object()
        people = User.objects.annotate(email_lower=Lower("email"))
        for person in people:
            for key in {
                person.email_lower,
                person.username.lower(),
                person.get_full_name().lower(),
            } - {""}:
                self.by_key[key] = ambiguous if self.by_key.get(key, person) != person else person
        self.ambiguous = ambiguous

    def find(self, value, role):
        """The active person a cell names; RowError when it names nobody, two people, or
        someone switched off. Nobody is made up: people are imported first."""
        name = text(value)
        person = self.by_key.get(name.lower())
        if person is self.ambiguous:
            raise RowError(
                f"The {role} {name!r} is more than one person in Highlight: give "
                "their email address instead."
            )
        if person is None:
            raise RowError(
                f"The {role} {name!r} is nobody in Highlight (by email, username "
                "or full name): import the people first, or correct the name."
            )
        if self.active_only and not person.is_active:
            raise RowError(f"The {role} {person} is switched off: name someone who is here.")
        return person

    def add(self, person):
        for key in {person.email.lower(), person.username.lower()} - {""}:
            self.by_key.setdefault(key, person)

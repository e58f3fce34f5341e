"""The skeleton every spreadsheet importer shares, on top of projects.workbooks (which
reads uploaded .xlsx and .csv files safely).

An importer (risks.importers, businessplan.importers) subclasses `Importer` and writes only
what is its own: its `parse` of the sheets into items (finding header rows with
`find_header`/`header_columns`, reading each row through `read_row` with its column
parsers), its `write` of the items, and `records` (what a preview's fingerprint watches).
A column parser is a small function of one `Row` that returns the values it read, calls
`row.warn(...)` for a warning, and raises `RowError` to refuse the row. `Importer.run`
gives the rules every import keeps: every row is imported or reported with its sheet, row
and reason (a `Problem`); any error writes nothing; a dry run writes nothing either.
projects.uploads runs the preview and the confirmation on top of it.
"""

import datetime
import re
from dataclasses import asdict, dataclass, field
from typing import ClassVar

from django.db import transaction
from django.db.models import Count, Sum

from .workbooks import CHECKING, PROGRESS_EVERY, WRITING, read_sheets

# Re-exported: the importers, their commands and the upload pages know them from here.
from .workbooks import MAX_FILE_BYTES as MAX_FILE_BYTES  # isort: skip
from .workbooks import MAX_UNCOMPRESSED_BYTES as MAX_UNCOMPRESSED_BYTES  # isort: skip
from .workbooks import ImportFailed as ImportFailed  # isort: skip


def text(value):
    """A cell as trimmed text ("" for empty; 3.0 as "3")."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    value = str(value).strip()
    # Our own exports quote a leading = + - @ so it cannot run as a formula; unquote it.
    if value[:1] == "'" and value[1:2] in ("=", "+", "-", "@"):
        value = value[1:]
    return value


def normalise(value):
    """A cell or heading reduced to lower-case letters and digits ("Risk Owner" → riskowner)."""
    return re.sub(r"[^a-z0-9]", "", text(value).lower())


DATE_PATTERNS = ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d.%m.%Y")


def read_date(value):
    """A cell as a date: None when empty; ValueError when it holds something else."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    for pattern in DATE_PATTERNS:
        try:
            return datetime.datetime.strptime(text(value), pattern).date()
        except ValueError:
            continue
    raise ValueError(f"{text(value)!r} is not a date")


# --- Header rows ---------------------------------------------------------------------------

HEADER_SEARCH_ROWS = 30


def column_names(headings):
    """{normalised heading: column} from {column: [normalised headings people write]}."""
    return {alias: column for column, aliases in headings.items() for alias in aliases}


def header_columns(values, names):
    """The column each cell of a row names (by `column_names`), None for the others."""
    return [names.get(normalise(value)) for value in values]


def find_header(rows, names, needed, within=HEADER_SEARCH_ROWS):
    """(row number, headings, columns) of the first row, among the first `within` (below any
    title rows), that names every column in `needed`; (None, None, None) if none does."""
    for number, values in rows[:within]:
        columns = header_columns(values, names)
        if all(column in columns for column in needed):
            return number, values, columns
    return None, None, None


# --- What an import found and did ------------------------------------------------------------


@dataclass
class Problem:
    """A row, or a heading, the import refused (an error) or took with a caveat (a warning)."""

    sheet: str
    row: int
    ref: str
    message: str


@dataclass
class Outcome:
    """What an import did, or would do. An importer's outcome may add fields of its own
    (dataclass fields with defaults) and name the ones its JSON carries in JSON_KEYS."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: int = 0
    warnings: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    changes: list = field(default_factory=list)  # tuples for the preview: (action, …)

    # The keys of as_json(), in order: the import commands print them with --json.
    JSON_KEYS: ClassVar[tuple] = ("created", "updated", "unchanged", "rows", "warnings", "errors")

    def as_json(self):
        return {key: _plain(getattr(self, key)) for key in self.JSON_KEYS}


def _plain(value):
    if isinstance(value, list):
        return [asdict(item) if isinstance(item, Problem) else item for item in value]
    return value


# --- Reading a row, one column at a time -----------------------------------------------------


class RowError(Exception):
    """Raised by a column parser: the row is refused, reported as an error with this
    message, under `ref` when given (the ref itself is what is wrong) or the row's ref."""

    def __init__(self, message, ref=None):
        super().__init__(message)
        self.ref = ref


class Row:
    """A data row while its column parsers read it: `cells` by column name, `present` the
    columns its sheet has, and `values` what the parsers have read so far."""

    def __init__(self, importer, sheet, number, cells, present=None):
        self.importer, self.sheet, self.number, self.cells = importer, sheet, number, cells
        self.present = set(cells) if present is None else present
        self.values = {}

    @property
    def ref(self):
        return self.values.get("ref", "")

    def text(self, column):
        return text(self.cells.get(column))

    def warn(self, message):
        self.importer.problem("warnings", self.sheet, self.number, self.ref, message)


# --- The importer --------------------------------------------------------------------------


class Importer:
    """The import of one spreadsheet into one record (the target: a register, a plan).

    A subclass sets `outcome_class` and `upload_key` (names the target in a kept upload,
    with its pk) and writes `parse(sheets)` → items, `write(items, user)` and `records()`.
    """

    outcome_class = Outcome
    upload_key = ""

    def __init__(self, target):
        self.target = target
        self.outcome = self.outcome_class()
        self.user = None
        self.rows_in_file = 0

    @staticmethod
    def progress(step, done, total):
        """Told how the run goes (step: READING, CHECKING, WRITING); whoever watches the
        run (projects.uploads) sets its own."""

    def run(self, content, filename, user=None, dry_run=False):
        """Read, check and (unless dry_run, or any row has an error) write. Returns the
        Outcome; raises ImportFailed for a file that cannot be read at all."""
        return self.write_checked(self.read(content, filename, user), user, dry_run)

    def read(self, content, filename, user=None):
        """The file's items, every row checked (errors are in the outcome); raises
        ImportFailed for a file that cannot be read at all. Writes nothing. What a row may
        do can depend on `user`, who imports (None: the command line, Highlight's operator)."""
        self.user = user
        sheets = read_sheets(content, filename, progress=self.progress)
        self.rows_in_file = sum(len(rows) for _, rows in sheets)
        return self.parse(sheets)

    def write_checked(self, parsed, user=None, dry_run=False):
        """Write what `read` gave, unless any row has an error (then nothing is written),
        or write and undo it all (a dry run, which fills in the outcome's changes, or an
        error the writing itself found)."""
        if self.outcome.errors:
            return self.outcome  # nothing is written when any row is wrong
        self.progress(WRITING, 0, 0)
        with transaction.atomic():
            self.write(parsed, user)
            # A check made again as the rows are written (what they hang on may have
            # changed since they were read) undoes the whole write.
            if dry_run or self.outcome.errors:
                transaction.set_rollback(True)
        return self.outcome

    def parse(self, sheets):
        raise NotImplementedError

    def write(self, parsed, user):
        raise NotImplementedError

    def records(self):
        """The target's records, each with a version that every edit bumps."""
        raise NotImplementedError

    def records_state(self):
        """Changes whenever one of the target's records is added or edited."""
        return list(self.records().aggregate(n=Count("id"), v=Sum("version")).values())

    @classmethod
    def upload_target(cls, target):
        """Names the target in a kept upload (projects.uploads)."""
        return f"{cls.upload_key}:{target.pk}"

    def problem(self, kind, sheet, row, ref, message):
        getattr(self.outcome, kind).append(Problem(sheet, row, ref, message))

    def read_row(self, row, parsers):
        """The row once every column parser has read it, in order; None when one refused
        it (reported as an error, and the parsers after it are not run)."""
        self.outcome.rows += 1
        if self.outcome.rows % PROGRESS_EVERY == 0:
            self.progress(CHECKING, self.outcome.rows, max(self.rows_in_file, self.outcome.rows))
        try:
            for parse in parsers:
                row.values.update(parse(row))
        except RowError as exc:
            ref = row.ref if exc.ref is None else exc.ref
            self.problem("errors", row.sheet, row.number, ref, str(exc))
            return None
        return row


def changed_fields(record, values):
    """The names in `values` whose value differs from the record's; foreign keys are
    compared by id, so reading them costs no query."""
    changed = []
    for name, value in values.items():
        stored = getattr(record, record._meta.get_field(name).attname)
        if stored != (value.pk if hasattr(value, "pk") else value):
            changed.append(name)
    return changed


def save_version(record, values, user):
    """Write `values` onto a record as its next version, its history naming `user`."""
    for name, value in values.items():
        setattr(record, name, value)
    record.version += 1
    record._history_user = user
    record.save()

"""Reading spreadsheets that people upload (.xlsx or .csv), safely: bounded in size,
encrypted and old .xls files told apart, and the sheet's own stated size never trusted;
and the skeleton every importer shares.

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

import csv
import datetime
import io
import re
import zipfile
from dataclasses import asdict, dataclass, field
from typing import ClassVar

from defusedxml import DefusedXmlException
from django.db import transaction
from django.db.models import Count, Sum
from openpyxl import load_workbook

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_CELL_CHARACTERS = 32_767  # Excel's own limit for a cell
# Registers and plans are text: far beyond this, an .xlsx is a zip bomb, not a register.
MAX_UNCOMPRESSED_BYTES = 60 * 1024 * 1024
MAX_ROWS = 50_000
MAX_CELLS = 2_000_000


# A row element of a worksheet's XML, with or without a namespace prefix.
ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
TOO_LARGE = (
    f"The workbook is far larger than a register or a plan ({MAX_ROWS:,} rows or "
    f"{MAX_CELLS:,} cells at most). Split it, or remove the rows that are not risks "
    "or activities, and try again."
)


class ImportFailed(Exception):
    """The file as a whole cannot be read: nothing was imported."""


def read_sheets(content, filename):
    """[(sheet name, [(row number, [cell values])])] from the file's bytes, or ImportFailed
    with a reason a person can act on."""
    if len(content) > MAX_FILE_BYTES:
        raise ImportFailed(
            f"The file is {len(content) / 1e6:.1f} MB; a register is at most "
            f"{MAX_FILE_BYTES // 1_000_000} MB."
        )
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFailed(
            "The file is encrypted (password protected) or an old .xls workbook. Save it as "
            "an .xlsx workbook without a password, or as .csv, and try again."
        )
    if content.startswith(b"PK\x03\x04"):
        return _read_xlsx(content)
    if filename.lower().endswith(".csv"):
        return _read_csv(content, filename)
    raise ImportFailed("The file is not a spreadsheet: upload an .xlsx workbook or a .csv file.")


def _read_xlsx(content):
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise ImportFailed("The file is damaged or not an .xlsx workbook.") from None
    if unpacked > MAX_UNCOMPRESSED_BYTES:
        raise ImportFailed(
            "The workbook unpacks to more than "
            f"{MAX_UNCOMPRESSED_BYTES // 1_000_000} MB, far more than a register holds."
        )
    if _count_rows(archive) > MAX_ROWS:
        raise ImportFailed(TOO_LARGE)
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        return _rows_of(book)
    except ImportFailed:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a bad workbook
        if _caused_by(exc, DefusedXmlException):
            # openpyxl parses through defusedxml when it is installed: entity declarations
            # (a "billion laughs" bomb) are refused rather than expanded.
            raise ImportFailed(
                "The workbook cannot be read: it declares XML entities, which no spreadsheet "
                "needs and which can expand to gigabytes. Save it again from Excel and retry."
            ) from None
        raise ImportFailed(f"The workbook cannot be read ({type(exc).__name__}).") from None


def _caused_by(exc, kind):
    while exc is not None:
        if isinstance(exc, kind):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _rows_of(book):
    sheets, total, cells = [], 0, 0
    for sheet in book.worksheets:
        # The sheet's stated size is not trusted: it can be stale (rows beyond it would be
        # missed) or huge (every row padded to 16,384 empty cells).
        sheet.reset_dimensions()
        rows = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            total += 1
            values = list(values)
            while values and values[-1] in (None, ""):
                values.pop()
            cells += len(values)
            if total > MAX_ROWS or cells > MAX_CELLS:
                raise ImportFailed(TOO_LARGE)
            refuse_long_cells(sheet.title, number, values)
            rows.append((number, values))
        sheets.append((sheet.title, rows))
    book.close()
    return sheets


def refuse_long_cells(sheet, number, values):
    """No spreadsheet program writes a cell over 32,767 characters (Excel's limit), and
    the importers' text handling is only sized for cells a person wrote: refuse the file."""
    for column, value in enumerate(values, start=1):
        if isinstance(value, str) and len(value) > MAX_CELL_CHARACTERS:
            raise ImportFailed(
                f"{sheet} row {number}, column {column}: a cell of {len(value):,} characters. "
                f"A spreadsheet cell holds at most {MAX_CELL_CHARACTERS:,}; nothing was imported."
            )


def _count_rows(archive):
    """Rows in every worksheet, counted in the raw XML: refusing a 100,000-row workbook this
    way takes a fraction of a second, where openpyxl would parse 50,000 rows first."""
    rows = 0
    for info in archive.infolist():
        if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
            continue
        tail = b""
        with archive.open(info) as part:
            while chunk := part.read(1 << 20):
                data = tail + chunk
                # Tags starting in the last few bytes may be cut off: count them next time.
                cut = max(0, len(data) - 64)
                rows += sum(1 for tag in ROW_TAG.finditer(data) if tag.start() < cut)
                tail = data[cut:]
        rows += len(ROW_TAG.findall(tail))
    return rows


def _read_csv(content, filename):
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = content.decode("cp1252")  # Excel's "CSV" on Windows
        except UnicodeDecodeError:
            raise ImportFailed("The CSV file is not UTF-8 or Windows text.") from None
    if "\x00" in text:
        raise ImportFailed("The file is not a spreadsheet: upload an .xlsx workbook or a .csv.")
    rows = []
    try:
        for number, values in enumerate(csv.reader(io.StringIO(text)), start=1):
            if number > MAX_ROWS:
                raise ImportFailed(f"The file has more than {MAX_ROWS:,} rows.")
            refuse_long_cells(filename.rsplit("/", 1)[-1], number, values)
            rows.append((number, values))
    except csv.Error as exc:
        raise ImportFailed(f"The CSV file cannot be read: {exc}.") from None
    return [(filename.rsplit("/", 1)[-1], rows)]


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

    def run(self, content, filename, user=None, dry_run=False):
        """Read, check and (unless dry_run, or any row has an error) write. Returns the
        Outcome; raises ImportFailed for a file that cannot be read at all. What a row may
        do can depend on `user`, who imports (None: the command line, Highlight's operator)."""
        self.user = user
        parsed = self.parse(read_sheets(content, filename))
        if self.outcome.errors:
            return self.outcome  # nothing is written when any row is wrong
        with transaction.atomic():
            self.write(parsed, user)
            if dry_run:
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

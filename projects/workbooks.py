"""Reading spreadsheets that people upload (.xlsx or .csv), safely: bounded in size,
encrypted, damaged and old .xls files told apart, and the sheet's own stated size never
trusted. projects.spreadsheets builds the importers on top of it."""

import csv
import io
import re
import zipfile
import zlib

from defusedxml import DefusedXmlException
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook, SheetTypeEnum

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_CELL_CHARACTERS = 32_767  # Excel's own limit for a cell
# Registers and plans are text: far beyond this, an .xlsx is a zip bomb, not a register.
MAX_UNCOMPRESSED_BYTES = 60 * 1024 * 1024
MAX_ROWS = 50_000
MAX_CELLS = 2_000_000


# A row element of a worksheet's XML, with or without a namespace prefix.
ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
# A cell holding a formula and no value: written by a program that never calculated it
# (openpyxl writes `<f>SUM(A1:A3)</f><v />`). openpyxl reads such a cell as empty, which an
# import would take as "left blank". A formula Excel calculated to "" is typed t="str".
UNCALCULATED = re.compile(
    rb"<c\b(?P<attributes>[^>]*)>\s*<f\b[^>]*(?:/>|>[^<]{0,8192}</f>)\s*(?:<v\s*/>|<v>\s*</v>)?\s*</c>"
)
FORMULA_SPAN = 9000  # longer than any cell UNCALCULATED matches

# python-calamine reads a workbook several times faster than openpyxl, but holds each sheet
# as a grid from A1 to its furthest cell: one stray cell at XFD1048576 would be 17 billion.
# The furthest cell is found in the raw XML first; a sheet whose grid would be larger than
# MAX_GRID, or with cells that give no position, is read by openpyxl, which streams.
CELL_REF = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?c\b[^>]{0,512}?\sr="([A-Z]{1,3})([0-9]{1,7})"')
CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
ROW_REF = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?row\b[^>]{0,512}?\sr="([0-9]{1,7})"')
ENTITY = re.compile(rb"<!(?:ENTITY|DOCTYPE)")
MAX_GRID = 4_000_000

# openpyxl builds every style a workbook lists before reading a cell: a 12 KB upload listing
# a million formats took 19 s and 639 MB (found by the hostile review). Excel itself holds
# at most 64,000 cell formats; a real register uses a few dozen.
STYLE_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:xf|font|fill|border|numFmt|dxf)[\s/>]")
MAX_STYLES = 64_000
TOO_LARGE = (
    f"The workbook is far larger than a register or a plan ({MAX_ROWS:,} rows or "
    f"{MAX_CELLS:,} cells at most). Split it, or remove the rows that are not risks "
    "or activities, and try again."
)


# What the zip inside an .xlsx may use: spreadsheet programs write parts stored or deflated,
# never encrypted ones (a password-protected workbook is not a zip at all) nor other methods.
ZIP_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
ZIP_ENCRYPTED = 0x1  # bit 0 of a zip member's general-purpose flags
# A part whose bytes do not match its checksum, or whose compressed data is cut or garbled.
ZIP_READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError)
DAMAGED = (
    "The workbook is damaged: part of it does not match its checksum (a copy or download "
    "may have been cut short or changed). Save it again from Excel and try again."
)
ENCRYPTED_PART = (
    "Part of the workbook is encrypted, which spreadsheet programs never do. Save it again "
    "from Excel, without a password, and try again."
)
UNKNOWN_COMPRESSION = (
    "The workbook is packed with a compression method spreadsheet programs do not use. "
    "Save it again from Excel as an .xlsx workbook and try again."
)

# The steps of a run, for whoever watches it (Importer.progress): reading the file, checking
# each row, then writing (or, for a preview, working out what would change).
READING, CHECKING, WRITING = "reading", "checking", "writing"
PROGRESS_EVERY = 1000  # rows between two reports


class ImportFailed(Exception):
    """The file as a whole cannot be read: nothing was imported."""


def read_sheets(content, filename, progress=None):
    """[(sheet name, [(row number, [cell values])])] from the file's bytes, or ImportFailed
    with a reason a person can act on. `progress(READING, rows read, rows in all)` is
    called as a workbook is read."""
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
        return _read_xlsx(content, progress)
    if filename.lower().endswith(".csv"):
        return _read_csv(content, filename)
    raise ImportFailed("The file is not a spreadsheet: upload an .xlsx workbook or a .csv file.")


def _read_xlsx(content, progress=None):
    archive = _open_archive(content)
    try:
        rows = _count_rows(archive)
    except ZIP_READ_ERRORS:
        raise ImportFailed(DAMAGED) from None
    if rows > MAX_ROWS:
        raise ImportFailed(TOO_LARGE)
    uncalculated = _count_tags(archive, _is_sheet, UNCALCULATED, overlap=FORMULA_SPAN,
                               unless=lambda tag: b't="str"' in tag["attributes"])  # fmt: skip
    if uncalculated:
        raise ImportFailed(
            f"The workbook has {uncalculated:,} formula{'s' if uncalculated > 1 else ''} that "
            "no spreadsheet program has calculated, so the values are not in the file (it "
            "was written by a program). Open it in Excel or LibreOffice, save it, and import "
            "it again."
        )
    if _count_tags(archive, lambda name: name.endswith(".xml"), ENTITY):
        raise ImportFailed(ENTITIES)  # calamine ignores them; openpyxl refuses them (below)
    try:
        if _grid_fits(archive):
            return _calamine_rows(CalamineWorkbook.from_filelike(io.BytesIO(content)), rows,
                                  progress)  # fmt: skip
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        return _rows_of(book, rows, progress)
    except ImportFailed:
        raise
    except Exception as exc:  # openpyxl and calamine raise many kinds for a bad workbook
        if _caused_by(exc, ZIP_READ_ERRORS):
            raise ImportFailed(DAMAGED) from None
        if _caused_by(exc, DefusedXmlException):
            # openpyxl parses through defusedxml when it is installed: entity declarations
            # (a "billion laughs" bomb) are refused rather than expanded.
            raise ImportFailed(ENTITIES) from None
        raise ImportFailed(f"The workbook cannot be read ({type(exc).__name__}).") from None


ENTITIES = (
    "The workbook cannot be read: it declares XML entities, which no spreadsheet needs and "
    "which can expand to gigabytes. Save it again from Excel and retry."
)


def _grid_fits(archive):
    """Whether every worksheet's grid, from A1 to its furthest cell, is within MAX_GRID
    cells, and every cell gives its position (calamine then holds exactly that)."""
    for info in archive.infolist():
        if not _is_sheet(info.filename):
            continue
        found = _count_tags(archive, lambda name, part=info.filename: name == part, CELL_TAG)
        placed, far_row, far_column = 0, 0, 0
        for match in _matches(archive, info.filename, CELL_REF, overlap=600):
            placed += 1
            far_column = max(far_column, _column_number(match.group(1)))
            far_row = max(far_row, int(match.group(2)))
        for match in _matches(archive, info.filename, ROW_REF, overlap=600):
            far_row = max(far_row, int(match.group(1)))
        if placed != found or far_row * far_column > MAX_GRID:
            return False
    return True


def _column_number(letters):
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _calamine_rows(book, expected, progress=None):
    """As _rows_of, from python-calamine: blank cells as None, whole numbers as int (as
    openpyxl gives them), only worksheets, hidden ones included."""
    sheets, total, cells = [], 0, 0
    for meta in book.sheets_metadata:
        if meta.typ != SheetTypeEnum.WorkSheet:
            continue
        rows = []
        grid = book.get_sheet_by_name(meta.name).to_python(skip_empty_area=False)
        for number, row in enumerate(grid, start=1):
            values = [_cell(value) for value in row]
            while values and values[-1] in (None, ""):
                values.pop()
            total += 1
            cells += len(values)
            if total > MAX_ROWS or cells > MAX_CELLS:
                raise ImportFailed(TOO_LARGE)
            refuse_long_cells(meta.name, number, values)
            rows.append((number, values))
            if progress and total % PROGRESS_EVERY == 0:
                progress(READING, total, max(total, expected))
        sheets.append((meta.name, rows))
    return sheets


def _cell(value):
    if value == "":
        return None
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def _open_archive(content):
    """The workbook's zip, once its directory says nothing is encrypted, packed in a way
    spreadsheet programs never use, or too big to unpack; each is refused up front, as
    zipfile would otherwise fail half-way through reading (RuntimeError,
    NotImplementedError)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except ZIP_READ_ERRORS:
        raise ImportFailed("The file is damaged or not an .xlsx workbook.") from None
    if any(info.flag_bits & ZIP_ENCRYPTED for info in members):
        raise ImportFailed(ENCRYPTED_PART)
    if any(info.compress_type not in ZIP_METHODS for info in members):
        raise ImportFailed(UNKNOWN_COMPRESSION)
    if sum(info.file_size for info in members) > MAX_UNCOMPRESSED_BYTES:
        raise ImportFailed(
            "The workbook unpacks to more than "
            f"{MAX_UNCOMPRESSED_BYTES // 1_000_000} MB, far more than a register holds."
        )
    styles = _count_tags(archive, lambda name: name == "xl/styles.xml", STYLE_TAG)
    if styles > MAX_STYLES:
        raise ImportFailed(
            f"The workbook lists {styles:,} cell formats, more than Excel itself allows "
            f"({MAX_STYLES:,}): save it again from a spreadsheet program."
        )
    return archive


def _caused_by(exc, kind):
    while exc is not None:
        if isinstance(exc, kind):
            return True
        exc = exc.__cause__ or exc.__context__
    return False


def _rows_of(book, expected, progress=None):
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
            if progress and total % PROGRESS_EVERY == 0:
                progress(READING, total, max(total, expected))
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


def _is_sheet(name):
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def _count_rows(archive):
    """Rows in every worksheet, counted in the raw XML: refusing a 100,000-row workbook this
    way takes a fraction of a second, where openpyxl would parse 50,000 rows first."""
    return _count_tags(archive, _is_sheet, ROW_TAG)


def _count_tags(archive, wanted, tag_pattern, overlap=64, unless=None):
    """How often `tag_pattern` occurs (and `unless` is false of it) in the parts whose
    names `wanted` accepts, read from the raw XML in chunks."""
    return sum(
        1
        for info in archive.infolist() if wanted(info.filename)
        for tag in _matches(archive, info.filename, tag_pattern, overlap)
        if unless is None or not unless(tag)
    )  # fmt: skip


def _matches(archive, name, tag_pattern, overlap=64):
    """Each match of `tag_pattern` in the part `name`, read from the raw XML in chunks."""
    tail = b""
    with archive.open(name) as part:
        while chunk := part.read(1 << 20):
            data = tail + chunk
            # Tags starting in the last `overlap` bytes may be cut off: find them next.
            cut = max(0, len(data) - overlap)
            yield from (t for t in tag_pattern.finditer(data) if t.start() < cut)
            tail = data[cut:]
    yield from tag_pattern.finditer(tail)


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

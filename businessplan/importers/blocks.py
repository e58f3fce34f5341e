"""The layout of a plan's sheet: header rows, each starting a block of activities.

A header row names a ref column ("No") and an activity column, whose heading says what
the block holds: "Activity" (planned), "2018-19 Completions" (carried forward from last
year) or "2019-20 Additions Activity" (in-year additions). Under it may come the
strategic-aim numbers 1–5 beneath the "Strategic Aim" heading, and an italic row of hints
("description of task/ activity/ project", "select"), which is skipped.
"""

from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from projects.spreadsheets import header_columns, normalise, text

from ..models import Activity
from .columns import COLUMN_FOR

MAX_AIMS = 20


def title_origin(heading):
    """The activity column's heading, and what it says about the block's rows."""
    name = normalise(heading)
    if name == "activity":
        return Activity.Origin.PLANNED
    if name.endswith("completions"):
        return Activity.Origin.CARRIED_FORWARD
    if "additions" in name:
        return Activity.Origin.IN_YEAR
    return None


@dataclass
class Block:
    """The columns of one header row and the rows under it."""

    columns: dict  # column name → index
    aim_columns: dict  # index → aim number
    title_index: int
    origin: str
    headings: list  # the header row's cells

    def read(self):
        """The indices of the columns this block imports."""
        return {*self.columns.values(), self.title_index, *self.aim_columns}

    def unread_headings(self):
        """A warning for each heading whose column is not imported: one it does not know,
        or the second of two for one column (the first is imported)."""
        read = self.read()
        for index, heading in enumerate(self.headings):
            if not text(heading) or index in read:
                continue
            column = COLUMN_FOR.get(normalise(heading))
            if column in self.columns:
                first_letter = get_column_letter(self.columns[column] + 1)
                yield (f"Column {text(heading)!r} appears twice; only the first (column "
                       f"{first_letter}) was imported.")  # fmt: skip
            else:
                yield f"Column {text(heading)!r} is not recognised and was not imported."

    def cells(self, values):
        """A data row's cells by column: the activity column as "title", and the strategic
        aims as "aims", [(aim number, cell)] (a list: two columns may carry one number)."""
        cells = {name: values[i] for name, i in self.columns.items() if i < len(values)}
        if self.title_index < len(values):
            cells["title"] = values[self.title_index]
        cells["aims"] = [(aim, values[i]) for i, aim in self.aim_columns.items() if i < len(values)]
        return cells


def read_header(values):
    """A Block if this row is a header row (it names a ref column and an activity column)."""
    origins = [title_origin(value) for value in values]
    title_index = next((i for i, origin in enumerate(origins) if origin), None)
    columns = {}
    for index, column in enumerate(header_columns(values, COLUMN_FOR)):
        if column and column not in columns and index != title_index:
            columns[column] = index
    if "ref" not in columns or title_index is None:
        return None
    block = Block(columns, {}, title_index, origins[title_index], list(values))
    if "aims" in columns:
        block.aim_columns = aims_by_position(values, columns, title_index)
    return block


def aims_by_position(values, columns, title_index):
    """Until a numbers row says otherwise, the aim columns are numbered by position: the
    "Strategic Aim" column and the unnamed ones after it (a merged heading)."""
    start = columns["aims"]
    taken = set(columns.values()) | {title_index}
    found, index = {}, start
    while index == start or (
        index < len(values) and index not in taken and not text(values[index])
    ):
        found[index] = index - start + 1
        index += 1
        if index - start >= MAX_AIMS:
            break
    if len(found) == 1 and index >= len(values):
        # Heading cells run out (trailing empties trimmed): assume five aims.
        return {start + i: i + 1 for i in range(5)}
    return found


def aim_numbers(values, block):
    """{column index: aim number} from the row under a header, if it holds them."""
    start = block.columns.get("aims")
    if start is None:
        return {}
    others = [i for c, i in block.columns.items() if c != "aims" and i > start]
    stop = min(others) if others else len(values)
    found = {}
    for index in range(start, min(stop, len(values))):
        number = text(values[index])
        if number.isdigit() and 1 <= int(number) <= MAX_AIMS:
            found[index] = int(number)
    return found


def is_hint(values, block):
    """The row of hints under a header ("description of task…", "select"): it has no ref."""
    ref_index = block.columns["ref"]
    if ref_index < len(values) and text(values[ref_index]):
        return False
    title = normalise(values[block.title_index]) if block.title_index < len(values) else ""
    return title.startswith("descriptionof") or any(normalise(v) == "select" for v in values)

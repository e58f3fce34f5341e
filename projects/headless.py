"""Data in a column with no heading, which an import cannot place.

Such a cell is not imported, and never silently (DESIGN: imports never drop a row
silently): each such column is reported once per sheet, as a warning on the first row that
holds data there, naming its column letter and every row it held data on, as the importers
report a column whose heading they do not recognise.
"""

from openpyxl.utils import get_column_letter

from .spreadsheets import text

SHOWN = 10  # rows named in a warning; a longer list is counted


class Headless:
    """The headless cells of one sheet, noted row by row and reported at its end."""

    def __init__(self):
        self.rows = {}  # column index (from 0): the rows holding data there

    def note(self, number, values, headed):
        """Note row `number`'s cells that hold data in a column not in `headed` (indices)."""
        for index, value in enumerate(values):
            if index not in headed and text(value):
                self.rows.setdefault(index, []).append(number)

    def report(self, importer, sheet):
        for index, rows in sorted(self.rows.items()):
            named = ", ".join(str(row) for row in rows[:SHOWN])
            if len(rows) > SHOWN:
                named += f" and {len(rows) - SHOWN} more"
            importer.problem("warnings", sheet, rows[0], "", (
                f"Column {get_column_letter(index + 1)} has no heading, so what it holds was "
                f"not imported (row{'s' if len(rows) > 1 else ''} {named}). Give it a heading "
                "this import knows, or move what it holds into a column that has one."
            ))  # fmt: skip
        self.rows = {}


def headed(headings):
    """The indices of a header row's cells that hold a heading."""
    return {index for index, heading in enumerate(headings) if text(heading)}

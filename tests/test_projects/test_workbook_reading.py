"""Reading an uploaded workbook (issue 23): python-calamine reads it, several times faster
than openpyxl, and gives the importers exactly what openpyxl gave; a sheet whose grid would
be huge (one stray cell far out) or whose cells give no position is read by openpyxl, which
streams."""

import datetime
import io
import re
import zipfile

import pytest
from openpyxl import Workbook

from projects import workbooks
from projects.workbooks import read_sheets


def saved(book):
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def both_ways(content, monkeypatch):
    """(as calamine reads it, as openpyxl reads it)."""
    fast = read_sheets(content, "book.xlsx")
    monkeypatch.setattr(workbooks, "_grid_fits", lambda archive: False)
    slow = read_sheets(content, "book.xlsx")
    return fast, slow


def as_openpyxl_gives(sheets):
    """openpyxl gives every date as a datetime; calamine a date where the cell is one."""

    def cell(value):
        if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
            return datetime.datetime.combine(value, datetime.time())
        return value

    return [(name, [(n, [cell(v) for v in values]) for n, values in rows])
            for name, rows in sheets]  # fmt: skip


def test_calamine_gives_what_openpyxl_gave(monkeypatch):
    book = Workbook()
    sheet = book.active
    sheet.title = "Risks"
    sheet["C3"] = "Ref"  # a table that starts away from A1
    sheet["D3"] = "Score"
    sheet["E3"] = "Review"
    sheet["F3"] = "Open"
    sheet.append([None, None, "R1", 3, datetime.date(2024, 3, 1), True])
    sheet.append([])
    sheet.append([None, None, "R2", 2.5, datetime.datetime(2024, 3, 1, 10, 30), False])
    sheet.append([None, None, "R3", -7, "  text  ", None, None])
    hidden = book.create_sheet("Hidden")
    hidden["A1"] = "kept"
    hidden.sheet_state = "hidden"

    fast, slow = both_ways(saved(book), monkeypatch)

    assert as_openpyxl_gives(fast) == as_openpyxl_gives(slow)
    assert fast[0] == ("Risks", [
        (1, []), (2, []), (3, [None, None, "Ref", "Score", "Review", "Open"]),
        (4, [None, None, "R1", 3, datetime.date(2024, 3, 1), True]), (5, []),
        (6, [None, None, "R2", 2.5, datetime.datetime(2024, 3, 1, 10, 30), False]),
        (7, [None, None, "R3", -7, "  text  "]),
    ])  # fmt: skip
    assert [name for name, _rows in fast] == ["Risks", "Hidden"]
    assert isinstance(fast[0][1][3][1][3], int)  # a whole number is an int, as before


def test_a_chart_sheet_is_left_out():
    """(openpyxl could not read this workbook at all: AttributeError on the chart sheet.)"""
    book = Workbook()
    book.active.append(["Ref", "Title"])
    book.create_chartsheet("Chart")
    assert read_sheets(saved(book), "book.xlsx") == [("Sheet", [(1, ["Ref", "Title"])])]


def test_a_stray_cell_far_out_is_read_by_openpyxl_not_held_as_a_grid(monkeypatch):
    """One cell at XFD40000: as a grid from A1 that is 655 million cells."""
    book = Workbook()
    book.active.append(["Ref", "Title"])
    book.active.append(["R1", "Roof"])
    book.active["XFD40000"] = "stray"
    content = saved(book)
    read = []
    monkeypatch.setattr(workbooks, "_calamine_rows", lambda *args: read.append("calamine"))
    sheets = read_sheets(content, "book.xlsx")
    assert read == []
    rows = dict(sheets[0][1])
    assert rows[1] == ["Ref", "Title"] and rows[2] == ["R1", "Roof"]
    assert rows[40000][-1] == "stray" and len(rows[40000]) == 16384


def test_cells_without_a_position_are_read_by_openpyxl(monkeypatch):
    book = Workbook()
    book.active.append(["Ref", "Title"])
    book.active.append(["R1", "Roof"])
    content = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(saved(book))) as source, \
            zipfile.ZipFile(content, "w", zipfile.ZIP_DEFLATED) as target:  # fmt: skip
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb' r="[A-Z]+[0-9]+"', b"", data)  # cells placed in order
            target.writestr(info, data)
    assert not workbooks._grid_fits(zipfile.ZipFile(io.BytesIO(content.getvalue())))
    rows = dict(read_sheets(content.getvalue(), "book.xlsx")[0][1])
    assert rows[1] == ["Ref", "Title"] and rows[2] == ["R1", "Roof"]


def test_a_register_sized_sheet_is_read_by_calamine():
    book = Workbook()
    for n in range(5000):
        book.active.append([f"R{n}", "A risk", 3, 4, "Treat", "Someone", "Controls"])
    assert workbooks._grid_fits(zipfile.ZipFile(io.BytesIO(saved(book))))


@pytest.mark.parametrize("declaration", [b"<!DOCTYPE x>", b'<!ENTITY a "aaaa">'])
def test_entity_declarations_are_refused_before_either_reader(declaration):
    book = Workbook()
    book.active.append(["Ref"])
    content = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(saved(book))) as source, \
            zipfile.ZipFile(content, "w", zipfile.ZIP_DEFLATED) as target:  # fmt: skip
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/sharedStrings.xml" or info.filename.endswith("sheet1.xml"):
                data = declaration + data
            target.writestr(info, data)
    with pytest.raises(workbooks.ImportFailed, match="it declares XML entities"):
        read_sheets(content.getvalue(), "book.xlsx")

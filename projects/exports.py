"""The dashboard as a spreadsheet, for people without an account."""

import io

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from . import markings

HEADER = Font(bold=True, color="FFFFFF")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def text(value):
    """User text as inert spreadsheet text: characters Excel cannot hold are dropped, and a
    leading = + - @ is quoted so a name can never run as a formula."""
    if not isinstance(value, str):
        return value
    return inert(ILLEGAL_CHARACTERS_RE.sub("", value))


def inert(text):
    """Text that a spreadsheet shows as typed: a leading = + - @ tab or return is quoted."""
    return "'" + text if text.startswith(FORMULA_START) else text


HEADER_FILL = PatternFill("solid", fgColor="1D2F4F")


def _status_cell(cell, status):
    """RAG in words, and in colour as a help: the name is always there."""
    if status is None:
        cell.value = "Not rated"
        return
    cell.value = text(status.name)
    cell.fill = PatternFill("solid", fgColor=status.colour.lstrip("#").upper())
    cell.font = Font(bold=True, color=status.text_colour.lstrip("#").upper())


def dashboard_headings(position):
    headings = ["Code", "Project", "Programme", "Manager", "Sponsor", "Report", "Status",
                "% complete"]  # fmt: skip
    for dimension in position.dimensions:
        headings += [text(f"{dimension.name} now"), text(f"{dimension.name} before")]
    return [*headings, "Changed", "Key milestones (furthest behind)",
            "Budget this financial year (£)", "Forecast outturn (£)", "Variance (£)",
            "Overall trend (12 months, oldest first)"]  # fmt: skip


def _money_cells(sheet, excel_row, column, row):
    """The current report's budget, forecast and variance for its year: numbers in pounds
    (a variance of -1500 is a number a formula can use), shown as £."""
    project = row.project
    if not row.current:
        return
    figures = (project.money_budget, project.money_forecast,
               row.money.amount if row.money else None)  # fmt: skip
    for offset, pence in enumerate(figures):
        if pence is not None:
            cell = sheet.cell(excel_row, column + offset, pence / 100)
            cell.number_format = POUNDS


# No colour for negatives: a variance below zero is an underspend, good news, not red.
POUNDS = '"£"#,##0.00;-"£"#,##0.00'


def dashboard_workbook(position, filters_text):
    book = Workbook()
    sheet = book.active
    sheet.title = "Portfolio"
    sheet.append([f"Portfolio position as at {position.month:%B %Y}"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([text(filters_text)])
    sheet.append([])
    headings = dashboard_headings(position)
    sheet.append(headings)
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font, cell.fill = HEADER, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for row in position.rows:
        project, current = row.project, row.current
        values = [
            text(v)
            for v in (
                project.code,
                project.name,
                project.parent.name if project.parent else "",
                str(project.manager or ""),
                str(project.sponsor),
                current.period_label if current else "No approved report",
                current.status_word if current else "",
                current.percent_complete if current else None,
            )
        ]
        sheet.append(values)
        excel_row = sheet.max_row
        column = len(values) + 1
        for _dimension, now, before in row.lines:
            if current:
                _status_cell(sheet.cell(excel_row, column), now)
                _status_cell(sheet.cell(excel_row, column + 1), before)
            column += 2
        sheet.cell(excel_row, column, "Yes" if row.changed else "")
        sheet.cell(excel_row, column + 1, row.milestones)
        _money_cells(sheet, excel_row, column + 2, row)
        sheet.cell(
            excel_row,
            column + 5,
            text(", ".join(f"{m:%b %Y} {s.name if s else '-'}" for m, s in row.trend)),
        )
    widths = [10, 40, 28, 22, 22, 22, 14, 10] + [12] * (2 * len(position.dimensions))
    widths += [9, 18, 14, 14, 14, 60]
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = sheet.cell(header_row + 1, 3)
    sheet.auto_filter.ref = f"A{header_row}:{get_column_letter(len(headings))}{sheet.max_row}"
    markings.mark_workbook(
        book, markings.highest_of_ids(row.project.marking_id for row in position.rows)
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def table_workbook(title, columns, rows, widths=None):
    """A list as a workbook a PMO edits and imports again: one sheet, a header row, a row
    per record, every text inert (text())."""
    book = Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font, cell.fill = HEADER, HEADER_FILL
    for row in rows:
        sheet.append([text(value) for value in row])
    for i, heading in enumerate(columns, start=1):
        width = (widths or {}).get(heading, max(12, len(heading) + 2))
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "B2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

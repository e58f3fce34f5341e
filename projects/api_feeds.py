"""Every list of the read API as CSV and as an Excel workbook (`?format=csv|xlsx`), for
Power BI's and Excel's "From Web" (issue 21): the whole list, not a page, one row per item
with the JSON's field names as headings.

Numbers stay numbers and dates stay dates (a variance of -1500 is a number); text is made
inert, so a title such as "=HYPERLINK(…)" is shown as typed and never runs as a formula.
"""

import csv
import datetime
import io
import json
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from rest_framework import renderers, serializers

from .exports import inert, text

FEEDS = ("csv", "xlsx")


def table(data, view):
    """(headings, rows, kinds) from what a list answers: kinds names each column's type
    ("date", "datetime" or None) from the resource's serializer, so dates written as text in
    JSON are dates again here."""
    if isinstance(data, dict):  # one item (or an error): a two-column table
        rows = [[key, flat(value)] for key, value in data.items()]
        return ["field", "value"], rows, {}
    fields = view.get_serializer().fields if view is not None else {}
    headings = list(fields) or (list(data[0]) if data else [])
    kinds = {}
    for name, field in fields.items():
        if isinstance(field, serializers.DateTimeField):
            kinds[name] = "datetime"
        elif isinstance(field, serializers.DateField):
            kinds[name] = "date"
    rows = [[flat(row.get(name)) for name in headings] for row in data]
    return headings, rows, kinds


def flat(value):
    """A cell's value: a nested one (a document's parameters) as its JSON text."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value


def typed(value, kind):
    """A cell's value: dates and times as such (times in London, as the pages show them)."""
    if value is None or kind is None or not isinstance(value, str):
        return value
    if kind == "date":
        return datetime.date.fromisoformat(value)
    moment = datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    return timezone.localtime(moment).replace(tzinfo=None)


class CsvRenderer(renderers.BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        view = (renderer_context or {}).get("view")
        headings, rows, _ = table(data, view)
        out = io.StringIO()
        out.write("\ufeff")  # so that Excel reads it as UTF-8
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(headings)
        for row in rows:
            writer.writerow([csv_cell(value) for value in row])
        return out.getvalue().encode("utf-8")


def csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return inert(value)
    if isinstance(value, float | Decimal):
        return format(Decimal(str(value)).normalize(), "f")
    return value


class XlsxRenderer(renderers.BaseRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"
    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        view = (renderer_context or {}).get("view")
        headings, rows, kinds = table(data, view)
        # Write-only: a row at a time, so a feed of 100,000 rows fits in little memory.
        book = Workbook(write_only=True)
        sheet = book.create_sheet(title=getattr(view, "basename", None) or "data")
        sheet.freeze_panes = "A2"
        sheet.append(headings)
        for row in rows:
            sheet.append(
                [xlsx_cell(sheet, v, kinds.get(h)) for h, v in zip(headings, row, strict=True)]
            )
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()


# As the pages show them (dd/mm/yyyy), and typed, so a filter on dates works in Excel.
DATE_FORMATS = {"date": "dd/mm/yyyy", "datetime": "dd/mm/yyyy hh:mm"}


def xlsx_cell(sheet, value, kind):
    value = typed(value, kind)
    if isinstance(value, datetime.date):
        cell = WriteOnlyCell(sheet, value=value)
        cell.number_format = DATE_FORMATS[kind]
        return cell
    if isinstance(value, str):
        return text(value)
    if isinstance(value, float):
        return Decimal(str(value))
    return value

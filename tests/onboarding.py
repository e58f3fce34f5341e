"""Writing the lists a PMO imports (people, projects, RAG history) as .csv or .xlsx, and
running their import commands as an administrator does."""

import csv
import io
import json

from django.core.management import call_command
from openpyxl import Workbook


def as_csv(rows):
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def as_xlsx(rows, title="Sheet1"):
    book = Workbook()
    book.active.title = title
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def run(command, tmp_path, rows, *options, name="list.csv"):
    """The command's --json outcome for a file of `rows`; raises CommandError as it does."""
    path = tmp_path / name
    path.write_bytes(as_xlsx(rows) if name.endswith(".xlsx") else as_csv(rows))
    out = io.StringIO()
    try:
        call_command(command, str(path), "--json", *options, stdout=out)
    finally:
        run.last = json.loads(out.getvalue()) if out.getvalue() else None
    return run.last

"""A plan back to .xlsx in the layout it is imported from: a sheet per section, the header
row, the strategic-aim numbers, the hint row, then the activities. Importing the export
gives the same data back; text is kept inert (projects.exports.text)."""

import io
import re

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from projects import markings
from projects.exports import HEADER, HEADER_FILL, text

from .models import Activity

PRIORITY_CODES = {"statutory": "S", "statutory_high": "S/H", "high": "H", "medium": "M", "low": "L"}


def heading_for(origin, plan):
    years = plan.year.split("-")
    if origin == Activity.Origin.CARRIED_FORWARD and len(years) == 2 and years[0].isdigit():
        last = f"{int(years[0]) - 1}-{years[0][-2:]}"
        return f"{last} Completions"
    if origin == Activity.Origin.IN_YEAR:
        return f"{plan.year} Additions Activity"
    return "Activity"


def plan_workbook(plan, internal=False):
    aims = list(plan.aims.values_list("number", flat=True)) or [1, 2, 3, 4, 5]
    book = Workbook()
    book.remove(book.active)
    activities = {}
    for activity in (
        Activity.objects.filter(section__plan=plan)
        .select_related("owner")
        .prefetch_related("aims")
        .order_by("order", "pk")
    ):
        activities.setdefault(activity.section_id, []).append(activity)
    for section in plan.sections.all():
        sheet = book.create_sheet(re.sub(r"[\[\]:*?/\\]", " ", section.name)[:31])
        blocks = by_origin(activities.get(section.pk, []))
        for index, (origin, block) in enumerate(blocks or [(Activity.Origin.PLANNED, [])]):
            if index:
                sheet.append([])
            write_header(sheet, heading_for(origin, plan), aims, internal)
            for activity in block:
                sheet.append([text(v) for v in activity_row(activity, aims, internal)])
        widths = [8, 60, 10, 14, 11, 11, *[4] * len(aims), 9, 12, 40, 12, 50, 40]
        for i, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(i)].width = width
    if not book.worksheets:  # a plan with no sections yet: its headings, for filling in
        write_header(book.create_sheet("Activities"), heading_for(Activity.Origin.PLANNED, plan),
                     aims, internal)  # fmt: skip
    markings.mark_workbook(book, markings.marking_of(plan))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def by_origin(activities):
    """[(origin, activities)]: a new header block whenever the origin changes."""
    blocks = []
    for activity in activities:
        if not blocks or blocks[-1][0] != activity.origin:
            blocks.append((activity.origin, []))
        blocks[-1][1].append(activity)
    return blocks


def write_header(sheet, heading, aims, internal):
    """The header row, the aims' numbers and the hint row, as the template workbook has."""
    header = [
        "No",
        heading,
        "Type",
        "Frequency",
        "Start",
        "End",
        "Strategic Aim",
        *[None] * (len(aims) - 1),
        "Priority",
        "LT owner",
        "Measure/ KPI/Reporting",
        "Status",
        "Comment/ update",
    ]
    if internal:
        header.append("Links to key documents (this column not for publication)")
    sheet.append(header)
    for cell in sheet[sheet.max_row]:
        cell.font, cell.fill = HEADER, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.append([None] * 6 + aims)
    sheet.append(
        [None, "description of task/ activity/ project", "select", "select"]
        + [None] * (2 + len(aims))
        + ["select", "select"]
    )
    for cell in sheet[sheet.max_row]:
        cell.font = Font(italic=True, color="505A5F")


def activity_row(activity, aims, internal):
    marked = {a.number for a in activity.aims.all()}
    row = [
        activity.ref,
        activity.title,
        activity.get_kind_display(),
        activity.frequency,
        activity.start_date.strftime("%d/%m/%Y") if activity.start_date else "",
        activity.end_date.strftime("%d/%m/%Y") if activity.end_date else "",
        *("X" if number in marked else "" for number in aims),
        PRIORITY_CODES.get(activity.priority, ""),
        str(activity.owner or ""),
        activity.measure,
        activity.get_status_display(),
        activity.comment,
    ]
    if internal:
        row.append(activity.internal_links)
    return row

"""The published SPSO plan, empty or with the sample workbook imported, `state()`, every
activity's fields as a sorted list, to show an import changed nothing, and `book()`, a
workbook of the sheets given."""

import io
from pathlib import Path

import pytest
from openpyxl import Workbook

from businessplan.importers import import_plan
from businessplan.models import Activity, BusinessPlan
from tests.factories import BusinessPlanFactory

SAMPLE = Path(__file__).resolve().parents[2] / "businessplan/demo/business-plan-sample.xlsx"


@pytest.fixture
def plan(db):
    """The published SPSO plan, empty."""
    return BusinessPlanFactory(
        title="SPSO Business Plan", year="2019-20", status=BusinessPlan.Status.PUBLISHED
    )


@pytest.fixture
def imported(plan):
    outcome = import_plan(plan, SAMPLE.read_bytes(), SAMPLE.name)
    assert not outcome.errors
    return outcome


def state():
    return sorted(
        (
            a.section.name,
            a.ref,
            a.title,
            a.kind,
            a.start_date,
            a.end_date,
            a.priority,
            a.status,
            a.owner_id,
            a.measure,
            a.comment,
            a.internal_links,
            a.origin,
            tuple(sorted(x.number for x in a.aims.all())),
        )
        for a in Activity.objects.select_related("section").prefetch_related("aims")
    )


# A plan sheet's header row as the SPSO workbook writes it (five aim columns under one
# merged "Strategic Aim" heading).
HEADER = [
    "No.",
    "Activity",
    "Type",
    "Frequency",
    "Start",
    "End",
    "Strategic Aim",
    None,
    None,
    None,
    None,
    "Priority",
    "LT owner",
    "Measure",
    "Status",
    "Comment/Update",
]


def book(*sheets):
    """An .xlsx workbook's bytes from (sheet name, rows) pairs."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets:
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()

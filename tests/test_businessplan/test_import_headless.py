"""Data the plan importer cannot place is not imported, and said so (issue 17, finding 13):
a column with no heading, with its sheet, rows and column letter; a heading it does not know,
or a second column for one it does, on the header row."""

from businessplan.importers import import_plan
from businessplan.models import Activity
from tests.test_businessplan.conftest import HEADER, book

# The SPSO header (columns A–P, the aims G–K under one merged heading), then a column with
# no heading (Q), one the plan does not know (R) and a second Status (S).
WIDER = [*HEADER, None, "Budget", "Status"]


def activity(ref, *extra, aims=("X", None, None, None, None)):
    return [ref, f"Activity {ref}", "BAU", "Monthly", "01/04/2019", "31/03/2020", *aims,
            "H", "Dir - C&I", "KPI", "On target", "Fine", *extra]  # fmt: skip


def test_data_the_plan_cannot_place_is_reported_and_the_rows_imported(plan):
    content = book(("C&I", [
        WIDER,
        activity("1", "£40k", "£12,000", "Slippage"),
        activity("2"),
        activity("3", "ask Sam"),
    ]))  # fmt: skip

    outcome = import_plan(plan, content, "plan.xlsx")

    assert [(w.sheet, w.row, w.message) for w in outcome.warnings] == [
        ("C&I", 1, "Column 'Budget' is not recognised and was not imported."),
        ("C&I", 1, "Column 'Status' appears twice; only the first (column O) was imported."),
        ("C&I", 2, "Column Q has no heading, so what it holds was not imported (rows 2, 4). "
                   "Give it a heading this import knows, or move what it holds into a column "
                   "that has one."),
    ]  # fmt: skip
    assert outcome.created == 3 and not outcome.errors
    assert Activity.objects.get(ref="1").status == "on_target"  # the first Status column's


def test_the_merged_aim_columns_are_not_taken_for_headless_ones(plan):
    """Aims 2–5 sit under no heading of their own: the merged "Strategic Aim" covers them."""
    numbers = [None] * 6 + ["1", "2", "3", "4", "5"]
    content = book(("C&I", [HEADER, numbers, activity("1", aims=("X", "X", None, "X", "X"))]))
    outcome = import_plan(plan, content, "plan.xlsx")
    assert outcome.created == 1 and outcome.warnings == []
    assert sorted(a.number for a in Activity.objects.get().aims.all()) == [1, 2, 4, 5]

"""How the plan importer reads a workbook's sheets: a row left on a drop-down's "select", a
sheet with no header, a second block of activities under its own heading, ticks and odd marks
for aims, sheets whose names make the same slug, and a published export (no internal links)
imported back."""

from businessplan.exports import plan_workbook
from businessplan.importers import import_plan
from businessplan.models import Activity
from tests.test_businessplan.conftest import HEADER, book, state


def row(ref, **changes):
    values = [
        ref,
        f"Activity {ref}",
        "BAU",
        "Monthly",
        "01/04/2019",
        "31/03/2020",
        "X",
        None,
        None,
        None,
        None,
        "H",
        "Dir - CS",
        "M",
        "On target",
        "C",
    ]
    for index, value in changes.items():
        values[int(index[1:])] = value
    return values


def test_a_data_row_with_a_dropdown_left_on_select_is_imported_and_warned(plan):
    outcome = import_plan(
        plan,
        book(("Team", [HEADER, [None] * 6 + [1, 2, 3, 4, 5], row("1", c11="select")])),
        "t.xlsx",
    )
    assert outcome.created == 1
    assert "Priority 'select' is not S, S/H, H, M or L" in outcome.warnings[0].message


def test_a_sheet_without_a_header_is_reported(plan):
    outcome = import_plan(
        plan, book(("Team", [HEADER, row("1")]), ("Notes", [["Some", "notes"], ["more"]])), "t.xlsx"
    )
    assert outcome.created == 1
    assert [(w.sheet, w.message) for w in outcome.warnings] == [
        ("Notes", "No header row (No | Activity | …) on this sheet: its 2 rows were not imported.")
    ]


def test_repeated_blocks_merged_heading_ticks_and_odd_marks(plan):
    second_header = list(HEADER)
    second_header[1] = "2019-20 Additions Activity"
    rows = [
        HEADER,
        [None] * 6 + [1, 2, 3, 4, 5],
        row("1", c7="✓"),
        [],
        second_header,
        row("A1", c6="x", c8="?"),
    ]  # no numbers row: aims by position
    outcome = import_plan(plan, book(("Team", rows)), "t.xlsx")
    assert outcome.created == 2
    first, added = Activity.objects.get(ref="1"), Activity.objects.get(ref="A1")
    assert sorted(a.number for a in first.aims.all()) == [1, 2]
    assert added.origin == "in_year" and [a.number for a in added.aims.all()] == [1]
    assert "Strategic aim 3: '?' is not a mark (X); not counted." in [
        w.message for w in outcome.warnings
    ]


def test_sheets_whose_names_share_a_slug_both_import(plan):
    outcome = import_plan(
        plan, book(("C&I", [HEADER, row("1")]), ("C and I", [HEADER, row("1")])), "t.xlsx"
    )
    assert outcome.created == 2
    assert sorted(plan.sections.values_list("slug", flat=True)) == ["c-and-i", "c-and-i-2"]


def test_re_importing_a_published_export_keeps_internal_links(plan, imported):
    before = state()
    outcome = import_plan(plan, plan_workbook(plan, internal=False), "published.xlsx")
    assert (outcome.updated, outcome.unchanged) == (0, 33)
    assert state() == before


def test_two_aim_columns_with_the_same_number_both_count(plan):
    # A numbers row that repeats an aim (a typo in the workbook): each column's mark is
    # read, none overwritten by the other.
    rows = [
        HEADER,
        [None] * 6 + [1, 2, 3, 3, 5],
        row("1", c6=None, c8="X"),
        row("2", c6=None, c9="X"),
        row("3", c6=None, c8="maybe"),
    ]
    outcome = import_plan(plan, book(("Team", rows)), "t.xlsx")
    assert outcome.created == 3 and not outcome.errors
    marked = {a.ref: sorted(x.number for x in a.aims.all()) for a in Activity.objects.all()}
    assert marked == {"1": [3], "2": [3], "3": []}
    assert "Strategic aim 3: 'maybe' is not a mark (X); not counted." in [
        w.message for w in outcome.warnings
    ]


def test_sections_follow_the_workbooks_order_when_imported_again(plan):
    aims = [None] * 6 + [1, 2, 3, 4, 5]
    first = book(("Alpha", [HEADER, aims, row("1")]), ("Beta", [HEADER, aims, row("2")]))
    import_plan(plan, first, "plan.xlsx")
    again = book(("Beta", [HEADER, aims, row("2")]), ("Alpha", [HEADER, aims, row("1")]))
    outcome = import_plan(plan, again, "plan.xlsx")
    assert [s.name for s in plan.sections.all()] == ["Beta", "Alpha"]
    assert ("update", "Beta", "", "its place in the plan") in outcome.changes
    unchanged = import_plan(plan, again, "plan.xlsx")
    assert unchanged.changes == []

"""The import skeleton every spreadsheet import shares (projects.spreadsheets and
projects.uploads): previewing and confirming are plain functions, called here with no
request, as a Celery task would call them; confirming imports only what the preview
showed; a row is read column by column and refused, with its sheet, row and ref, at the
first thing wrong with it."""

import io
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.db.models import F
from openpyxl import Workbook

from businessplan.exports import plan_workbook
from businessplan.importers import PlanImporter
from businessplan.models import Activity
from projects import uploads
from projects.spreadsheets import Importer, Outcome, Problem, Row, RowError
from risks.exports import register_workbook
from risks.importers import RegisterImporter
from risks.models import Risk, RiskMatrix
from tests.factories import BusinessPlanFactory, RiskRegisterFactory, UserFactory

ROOT = Path(__file__).resolve().parents[2]
REGISTER_SAMPLE = ROOT / "risks/demo/risk-register-sample.xlsx"
PLAN_SAMPLE = ROOT / "businessplan/demo/business-plan-sample.xlsx"


@pytest.fixture
def register(db):
    return RiskRegisterFactory(matrix=RiskMatrix.objects.get(name="4x4"))  # the sample's


@pytest.fixture
def plan(db):
    return BusinessPlanFactory(year="2019-20")


def stored():
    return list(Risk.objects.order_by("pk").values()) + list(
        Activity.objects.order_by("pk").values()
    )


@pytest.mark.parametrize(
    "importer, target, sample",
    [(RegisterImporter, "register", REGISTER_SAMPLE), (PlanImporter, "plan", PLAN_SAMPLE)],
)
def test_a_preview_then_its_confirmation_import_with_no_request(
    db, request, importer, target, sample
):
    target = request.getfixturevalue(target)
    pam = UserFactory(username="pam")
    pam.groups.add(Group.objects.get(name="PMO"))  # who may add the register's new entries
    outcome, seen = uploads.preview(importer, target, sample.read_bytes(), sample.name, pam)
    assert outcome.created > 0 and not outcome.errors and seen
    assert stored() == []  # a preview writes nothing

    done = uploads.confirm(importer, target, sample.read_bytes(), sample.name, seen, user=pam)
    assert (done.created, done.changes) == (outcome.created, outcome.changes)
    assert len(stored()) == outcome.created
    record = importer(target).records().first()
    assert record.history.first().history_user == pam


def edited_register(register):
    """The register's own export, with one risk's title changed."""
    register.risks.filter(ref="PP_R011").update(title="Edited in the workbook")
    content = register_workbook(register)
    register.risks.filter(ref="PP_R011").update(title="As stored")
    return content


def edited_plan(plan):
    """The plan's own export, with one activity's comment changed."""
    Activity.objects.filter(ref="1").update(comment="Edited in the workbook")
    content = plan_workbook(plan, internal=True)
    Activity.objects.filter(ref="1").update(comment="As stored")
    return content


@pytest.mark.parametrize(
    "importer, target, sample, edited, records",
    [
        (RegisterImporter, "register", REGISTER_SAMPLE, edited_register, Risk.objects),
        (PlanImporter, "plan", PLAN_SAMPLE, edited_plan, Activity.objects),
    ],
)
def test_confirming_after_the_records_changed_imports_nothing(
    db, request, importer, target, sample, edited, records
):
    target = request.getfixturevalue(target)
    importer(target).run(sample.read_bytes(), sample.name)
    content = edited(target)
    outcome, seen = uploads.preview(importer, target, content, "edited.xlsx")
    assert outcome.updated == 1
    # Someone edits a record in Highlight (every edit bumps its version) before the confirm.
    records.filter(pk=records.order_by("pk").last().pk).update(version=F("version") + 1)
    before = stored()
    with pytest.raises(uploads.RecordsChanged, match="Records changed since the preview"):
        uploads.confirm(importer, target, content, "edited.xlsx", seen)
    assert stored() == before


def test_a_preview_of_a_file_with_errors_has_nothing_to_confirm(register):
    book = Workbook()
    book.active.append(["Ref", "Risk", "Inherent Probability", "Inherent Impact"])
    book.active.append(["R1", "", "1", "1"])
    out = io.BytesIO()
    book.save(out)
    outcome, seen = uploads.preview(RegisterImporter, register, out.getvalue(), "r.xlsx")
    assert outcome.errors and seen is None


def test_confirming_a_file_that_cannot_be_read_is_refused_with_the_reason(register):
    with pytest.raises(uploads.Refused, match="The import failed: The file is not a spread"):
        uploads.confirm(RegisterImporter, register, b"%PDF-1.7", "r.xlsx", "any")


def test_the_outcomes_json_keys_are_those_the_commands_have_always_printed(register, plan):
    assert list(RegisterImporter(register).outcome.as_json()) == [
        "created", "updated", "unchanged", "rows", "warnings", "errors",
        "new_categories", "new_corporate_priorities",
    ]  # fmt: skip
    assert list(PlanImporter(plan).outcome.as_json()) == [
        "created", "updated", "unchanged", "rows", "by_section", "warnings", "errors",
    ]  # fmt: skip
    outcome = Outcome(warnings=[Problem("Sheet", 4, "R1", "Careful.")])
    assert outcome.as_json()["warnings"] == [
        {"sheet": "Sheet", "row": 4, "ref": "R1", "message": "Careful."}
    ]


# --- The skeleton, with an importer of its own ------------------------------------------------


def ref(row):
    if not row.text("ref"):
        raise RowError("No ref.")
    return {"ref": row.text("ref")}


def size(row):
    if not row.text("size").isdigit():
        raise RowError(f"Size {row.text('size')!r} is not a number.")
    if int(row.text("size")) > 10:
        row.warn("Large.")
    return {"size": int(row.text("size"))}


def never(row):
    raise AssertionError("a refused row is not read further")


class TinyImporter(Importer):
    """Rows of ref and size, written to a list."""

    written = None

    def parse(self, sheets):
        items = []
        for sheet, rows in sheets:
            for number, (ref_cell, size_cell) in rows[1:]:
                row = Row(self, sheet, number, {"ref": ref_cell, "size": size_cell})
                if self.read_row(row, [ref, size, lambda row: {}]) is not None:
                    items.append(row.values)
        return items

    def write(self, items, user):
        self.written = items


def csv(*rows):
    return "\n".join(["ref,size", *rows]).encode()


def test_each_row_is_taken_or_reported_with_its_sheet_row_and_ref(db):
    importer = TinyImporter(None)
    outcome = importer.run(csv("A,3", "B,12", ",1", "C,many"), "tiny.csv")
    assert outcome.rows == 4
    assert outcome.warnings == [Problem("tiny.csv", 3, "B", "Large.")]
    assert outcome.errors == [
        Problem("tiny.csv", 4, "", "No ref."),
        Problem("tiny.csv", 5, "C", "Size 'many' is not a number."),
    ]
    assert importer.written is None  # any error: nothing is written


def test_a_row_is_refused_at_the_first_thing_wrong_with_it(db):
    importer = TinyImporter(None)
    row = Row(importer, "S", 2, {"ref": "", "size": "x"})
    assert importer.read_row(row, [ref, size, never]) is None
    assert importer.outcome.errors == [Problem("S", 2, "", "No ref.")]


def test_a_clean_file_is_written(db):
    importer = TinyImporter(None)
    importer.run(csv("A,3", "B,4"), "tiny.csv")
    assert importer.written == [{"ref": "A", "size": 3}, {"ref": "B", "size": 4}]

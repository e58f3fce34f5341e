"""Importing a business plan workbook, in the layout real plans use:

- one sheet per section (the sheet's name is the section's);
- a header row ("No", "Activity", "Type", … "Strategic Aim", … "Status", …), which may be
  repeated further down for another block (blocks.py says how a block is read);
- blank rows between blocks.

Every row is imported or reported with its sheet, row and ref. Errors stop the import
(nothing is written); warnings do not. The plan's data-quality findings on the workbook's
activities (businessplan.quality) are warnings too, on the rows they concern. HTML in a
cell is read as its words (richtext.py). Re-importing the same file changes nothing:
activities are matched on section and ref. The skeleton (Problem, Outcome, the run, the
preview and confirmation) is projects.spreadsheets' and projects.uploads'; this package
keeps what is the plan's own: its layout (blocks.py), its columns (columns.py) and how
its sections, aims, owners and activities are written.
"""

from dataclasses import dataclass, field

from simple_history.utils import bulk_create_with_history

from projects.headless import Headless, headed
from projects.spreadsheets import (
    Importer,
    ImportFailed,
    Outcome,
    Row,
    changed_fields,
    save_version,
    text,
)

from .. import quality
from ..models import Activity, OwnerRole, Section, StrategicAim
from . import columns
from .blocks import aim_numbers, is_hint, read_header

__all__ = ["ImportFailed", "PlanImporter", "import_plan"]


@dataclass
class PlanOutcome(Outcome):
    # changes: (action, section, ref, what) for the preview
    by_section: dict = field(default_factory=dict)

    JSON_KEYS = ("created", "updated", "unchanged", "rows", "by_section", "warnings", "errors")


@dataclass
class Parsed:
    section: str
    sheet_order: int
    row: int
    values: dict
    aims: set | None
    owner: str | None


class PlanImporter(Importer):
    outcome_class = PlanOutcome
    upload_key = "plan"

    def records(self):
        return Activity.objects.filter(section__plan=self.target)

    # --- Reading -------------------------------------------------------------------------

    def parse(self, sheets):
        parsed, any_header, order = [], False, {}
        longest = Section._meta.get_field("name").max_length
        for sheet_order, (sheet, rows) in enumerate(sheets):
            order[sheet] = sheet_order
            if len(sheet) > longest:
                # The sheet's name is its section's (a CSV file's name, for a .csv).
                raise ImportFailed(
                    f"The sheet or file name “{sheet[:40]}…” is {len(sheet)} characters long; "
                    f"a section's name is at most {longest}. Shorten it and try again."
                )
            items, found = self.parse_sheet(sheet, sheet_order, rows)
            parsed += items
            any_header = any_header or found
        if not any_header:
            raise ImportFailed(
                "No header row was found on any sheet: a plan's sheets start with a row such "
                "as “No | Activity | Type | Frequency | Start | End | Strategic Aim | …”."
            )
        self.report_findings(parsed)
        # The findings join the rows' own warnings: all read in the workbook's order.
        self.outcome.warnings.sort(key=lambda problem: (order[problem.sheet], problem.row))
        return parsed

    def report_findings(self, parsed):
        """The data-quality findings on the workbook's activities, each a warning on its row."""
        entries = [
            quality.Entry(
                item.section,
                item.row,
                item.values["ref"],
                item.values["title"],
                item.values.get("start_date"),
                item.values.get("end_date"),
                item.values.get("status", ""),
                item.values["origin"],
            )
            for item in parsed
        ]
        for finding in quality.findings(entries, quality.plan_year(self.target)):
            self.problem("warnings", finding.section, finding.row, finding.ref, finding.message)

    def parse_sheet(self, sheet, sheet_order, rows):
        """(the sheet's activities, whether it has a header row)."""
        parsed, block, seen, pending_aims, ignored = [], None, {}, False, []
        headless = Headless()
        for number, values in rows:
            header = read_header(values)
            if header:
                block, pending_aims = header, True
                for message in block.unread_headings():
                    self.problem("warnings", sheet, number, "", message)
                continue
            if not any(text(v) for v in values):
                continue
            if block is None:
                ignored.append(number)
                continue
            if pending_aims:
                pending_aims = False
                numbers = aim_numbers(values, block)
                if numbers:
                    block.aim_columns = numbers
                    continue
            if is_hint(values, block):
                continue
            # A column with a heading it does not import was reported on the header row.
            headless.note(number, values, headed(block.headings) | block.read())
            item = self.parse_row(sheet, sheet_order, number, values, block)
            if item is None:
                continue
            ref = item.values["ref"]
            if ref in seen:
                message = f"Duplicate ref in this section: also on row {seen[ref]}."
                self.problem("errors", sheet, number, ref, message)
                continue
            seen[ref] = number
            parsed.append(item)
            self.outcome.by_section[sheet] = self.outcome.by_section.get(sheet, 0) + 1
        self.report_ignored(sheet, ignored, block)
        headless.report(self, sheet)
        return parsed, block is not None

    def report_ignored(self, sheet, ignored, block):
        """Rows with no header row above them are not imported, and said so."""
        if not ignored:
            return
        rows = f"{len(ignored)} row{'s' if len(ignored) != 1 else ''}"
        if block is None:
            message = (
                f"No header row (No | Activity | …) on this sheet: its {rows} were not imported."
            )
        else:
            message = f"{rows} above the first header row were not imported."
        self.problem("warnings", sheet, ignored[0], "", message)

    def parse_row(self, sheet, sheet_order, number, values, block):
        present = set(block.columns)
        row = Row(self, sheet, number, block.cells(values), present=present)
        if self.read_row(row, columns.PARSERS) is None:
            return None
        read = row.values
        aims, owner = read.pop("aims"), read.pop("owner")
        for name in columns.OPTIONAL:
            if name not in present:
                read.pop(name, None)
        values = {"ref": read["ref"], "title": read["title"], "origin": block.origin}
        values = {**values, "order": number, **read}
        return Parsed(
            sheet,
            sheet_order,
            number,
            values,
            aims if "aims" in present else None,
            owner if "owner" in present else None,
        )

    # --- Writing -------------------------------------------------------------------------

    def write(self, parsed, user):
        sections, aims, owners = self.create_lists(parsed)
        existing = {(a.section_id, a.ref): a for a in self.records().prefetch_related("aims")}
        new, new_aims = [], []
        for item in parsed:
            section = sections[item.section]
            values = dict(item.values)
            if item.owner is not None:
                values["owner_id"] = owners[item.owner].pk if item.owner else None
            aim_ids = None if item.aims is None else {aims[n].pk for n in item.aims}
            activity = existing.get((section.pk, values["ref"]))
            if activity is None:
                new.append(Activity(section=section, **values))
                new_aims.append(aim_ids or set())
                self.outcome.created += 1
                self.outcome.changes.append(
                    ("create", item.section, values["ref"], values["title"])
                )
                continue
            self.update(activity, item.section, values, aim_ids, user)
        created = bulk_create_with_history(new, Activity, batch_size=500, default_user=user)
        Through = Activity.aims.through
        Through.objects.bulk_create(
            [
                Through(activity_id=activity.pk, strategicaim_id=aim_id)
                for activity, aim_ids in zip(created, new_aims, strict=True)
                for aim_id in aim_ids
            ],
            batch_size=1000,
        )

    def create_lists(self, parsed):
        """The plan's sections and aims, and the owner roles, by name (or number), with
        those the items name and that do not exist yet created."""
        plan = self.target
        sections = {s.name: s for s in plan.sections.all()}
        for item in sorted(parsed, key=lambda p: p.sheet_order):
            section = sections.get(item.section)
            if section is None:
                sections[item.section] = Section.objects.create(
                    plan=plan, name=item.section, order=item.sheet_order
                )
            elif section.order != item.sheet_order:
                # The workbook's order of sheets is the plan's order of sections, on a
                # re-import as on the first.
                Section.objects.filter(pk=section.pk).update(order=item.sheet_order)
                section.order = item.sheet_order
                self.outcome.changes.append(("update", item.section, "", "its place in the plan"))
        aims = {a.number: a for a in plan.aims.all()}
        for number in sorted({n for item in parsed for n in item.aims or ()} - set(aims)):
            aims[number] = StrategicAim.objects.create(plan=plan, number=number)
        owners = {o.name: o for o in OwnerRole.objects.all()}
        for name in sorted({item.owner for item in parsed if item.owner} - set(owners)):
            owners[name] = OwnerRole.objects.create(name=name)
        return sections, aims, owners

    def update(self, activity, section, values, aim_ids, user):
        changed = changed_fields(activity, values)
        aims_changed = aim_ids is not None and {a.pk for a in activity.aims.all()} != aim_ids
        if not (changed or aims_changed):
            self.outcome.unchanged += 1
            return
        save_version(activity, {k: values[k] for k in changed}, user)
        if aims_changed:
            activity.aims.set(aim_ids)
        self.outcome.updated += 1
        what = [k.replace("_", " ") for k in changed if k != "order"]
        what += ["aims"] if aims_changed else []
        self.outcome.changes.append(("update", section, activity.ref, ", ".join(what)))


def import_plan(plan, content, filename, user=None, dry_run=False):
    """Read, check and (unless dry_run or there are errors) write the plan's activities.
    Raises ImportFailed for a file that cannot be read as a plan at all."""
    return PlanImporter(plan).run(content, filename, user=user, dry_run=dry_run)

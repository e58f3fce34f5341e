"""Importing a business plan workbook, in the layout real plans use:

- one sheet per section (the sheet's name is the section's);
- a header row ("No", "Activity", "Type", … "Strategic Aim", … "Status", …), which may be
  repeated further down for another block; the activity column's heading says what the
  block holds: "Activity" (planned), "2018-19 Completions" (carried forward from last
  year) or "2019-20 Additions Activity" (in-year additions);
- under it, the strategic-aim numbers 1–5 beneath the "Strategic Aim" heading;
- an italic hint row ("description of task/ activity/ project", "select"), skipped;
- blank rows between blocks.

Every row is imported or reported with its sheet, row and ref. Errors stop the import
(nothing is written); warnings do not. Re-importing the same file changes nothing:
activities are matched on section and ref.
"""

import datetime
import re
from dataclasses import asdict, dataclass, field

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from projects.spreadsheets import ImportFailed, read_sheets, text

from .models import Activity, OwnerRole, Section, StrategicAim

__all__ = ["ImportFailed", "import_plan"]


@dataclass
class Problem:
    sheet: str
    row: int
    ref: str
    message: str


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: int = 0
    by_section: dict = field(default_factory=dict)
    warnings: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    changes: list = field(default_factory=list)  # (action, section, ref, title)

    def as_json(self):
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rows": self.rows,
            "by_section": self.by_section,
            "warnings": [asdict(w) for w in self.warnings],
            "errors": [asdict(e) for e in self.errors],
        }


def normalise(value):
    return re.sub(r"[^a-z0-9]", "", text(value).lower())


HEADINGS = {
    "ref": ["no", "ref", "number"],
    "kind": ["type", "kind"],
    "frequency": ["frequency"],
    "start_date": ["start", "startdate"],
    "end_date": ["end", "enddate"],
    "aims": ["strategicaim", "strategicaims"],
    "priority": ["priority"],
    "owner": ["ltowner", "owner", "lead"],
    "measure": ["measure", "measurekpireporting", "kpi", "measurekpi"],
    "status": ["status"],
    "comment": ["commentupdate", "comment", "update", "comments"],
    "internal_links": ["linkstokeydocumentsthiscolumnnotforpublication", "linkstokeydocuments"],
}
COLUMN_FOR = {alias: column for column, aliases in HEADINGS.items() for alias in aliases}


def title_origin(heading):
    """The activity column's heading, and what it says about the block's rows."""
    name = normalise(heading)
    if name == "activity":
        return Activity.Origin.PLANNED
    if name.endswith("completions"):
        return Activity.Origin.CARRIED_FORWARD
    if "additions" in name:
        return Activity.Origin.IN_YEAR
    return None


PRIORITIES = {
    "s": Activity.Priority.STATUTORY,
    "statutory": Activity.Priority.STATUTORY,
    "sh": Activity.Priority.STATUTORY_HIGH,
    "statutoryhigh": Activity.Priority.STATUTORY_HIGH,
    "h": Activity.Priority.HIGH,
    "high": Activity.Priority.HIGH,
    "m": Activity.Priority.MEDIUM,
    "medium": Activity.Priority.MEDIUM,
    "l": Activity.Priority.LOW,
    "low": Activity.Priority.LOW,
}
STATUSES = {
    "ontarget": Activity.Status.ON_TARGET,
    "slippage": Activity.Status.SLIPPAGE,
    "notstarted": Activity.Status.NOT_STARTED,
    "completed": Activity.Status.COMPLETED,
    "complete": Activity.Status.COMPLETED,
    "exceeded": Activity.Status.EXCEEDED,
    "discontinued": Activity.Status.DISCONTINUED,
}
KINDS = {"bau": Activity.Kind.BAU, "project": Activity.Kind.PROJECT}
MARKED = {"x", "y", "yes", "✓", "✔", "1", "true"}


def mark(value):
    return text(value).lower()


def parse_date(value):
    if value in (None, ""):
        return None, False
    if isinstance(value, datetime.datetime):
        return value.date(), False
    if isinstance(value, datetime.date):
        return value, False
    for pattern in ("%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(text(value), pattern).date(), False
        except ValueError:
            continue
    return None, True


@dataclass
class Block:
    """The columns of one header row and the rows under it."""

    columns: dict  # column name → index
    aim_columns: dict  # index → aim number
    title_index: int
    origin: str


@dataclass
class Parsed:
    section: str
    sheet_order: int
    row: int
    values: dict
    aims: set
    owner: str


def read_header(values):
    """A Block if this row is a header row (it names a ref column and an activity column)."""
    columns, title_index, origin = {}, None, None
    for index, value in enumerate(values):
        kind = title_origin(value)
        if kind and title_index is None:
            title_index, origin = index, kind
            continue
        column = COLUMN_FOR.get(normalise(value))
        if column and column not in columns:
            columns[column] = index
    if "ref" in columns and title_index is not None:
        block = Block(columns, {}, title_index, origin)
        # Until a numbers row says otherwise, the aim columns are numbered by position:
        # the "Strategic Aim" column and the unnamed ones after it (a merged heading).
        start = columns.get("aims")
        if start is not None:
            taken = set(columns.values()) | {title_index}
            index = start
            while index == start or (
                index < len(values) and index not in taken and not text(values[index])
            ):
                block.aim_columns[index] = index - start + 1
                index += 1
                if index - start >= 20:
                    break
            if len(block.aim_columns) == 1 and index >= len(values):
                # Heading cells run out (trailing empties trimmed): assume five aims.
                block.aim_columns = {start + i: i + 1 for i in range(5)}
        return block
    return None


def aim_numbers(values, block):
    """{column index: aim number} from the row under a header, if it holds them."""
    start = block.columns.get("aims")
    if start is None:
        return {}
    others = [i for c, i in block.columns.items() if c != "aims" and i > start]
    stop = min(others) if others else len(values)
    found = {}
    for index in range(start, min(stop, len(values))):
        number = text(values[index])
        if number.isdigit() and 1 <= int(number) <= 20:
            found[index] = int(number)
    return found


def is_hint(values, block):
    """The row of hints under a header ("description of task…", "select"): it has no ref."""
    ref_index = block.columns["ref"]
    if ref_index < len(values) and text(values[ref_index]):
        return False
    title = normalise(values[block.title_index]) if block.title_index < len(values) else ""
    return title.startswith("descriptionof") or any(normalise(v) == "select" for v in values)


class PlanImporter:
    def __init__(self, plan):
        self.plan = plan
        self.outcome = Outcome()

    def problem(self, kind, sheet, row, ref, message):
        getattr(self.outcome, kind).append(Problem(sheet, row, ref, message))

    def parse(self, sheets):
        parsed, any_header = [], False
        for sheet_order, (sheet, rows) in enumerate(sheets):
            block, seen, pending_aims, ignored = None, {}, False, []
            for number, values in rows:
                header = read_header(values)
                if header:
                    block, pending_aims, any_header = header, True, True
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
                self.outcome.rows += 1
                item = self.parse_row(sheet, sheet_order, number, values, block)
                if item is None:
                    continue
                ref = item.values["ref"]
                if ref in seen:
                    self.problem(
                        "errors",
                        sheet,
                        number,
                        ref,
                        f"Duplicate ref in this section: also on row {seen[ref]}.",
                    )
                    continue
                seen[ref] = number
                parsed.append(item)
                self.outcome.by_section[sheet] = self.outcome.by_section.get(sheet, 0) + 1
            if ignored and block is None:
                self.problem(
                    "warnings",
                    sheet,
                    ignored[0],
                    "",
                    "No header row (No | Activity | …) on this sheet: its "
                    f"{len(ignored)} row{'s' if len(ignored) != 1 else ''} "
                    "were not imported.",
                )
            elif ignored:
                self.problem(
                    "warnings",
                    sheet,
                    ignored[0],
                    "",
                    f"{len(ignored)} row{'s' if len(ignored) != 1 else ''} above the "
                    "first header row were not imported.",
                )
        if not any_header:
            raise ImportFailed(
                "No header row was found on any sheet: a plan's sheets start with a row such "
                "as “No | Activity | Type | Frequency | Start | End | Strategic Aim | …”."
            )
        return parsed

    def parse_row(self, sheet, sheet_order, number, values, block):
        def cell(name):
            index = block.columns.get(name)
            return values[index] if index is not None and index < len(values) else None

        ref = text(cell("ref"))
        title = text(values[block.title_index]) if block.title_index < len(values) else ""
        if not ref:
            self.problem("errors", sheet, number, "", "No ref (the No column) for this activity.")
            return None
        if len(ref) > 20 or "/" in ref:
            self.problem(
                "errors", sheet, number, ref[:20], "A ref is at most 20 characters, without “/”."
            )
            return None
        if not title:
            self.problem("errors", sheet, number, ref, "No activity description.")
            return None

        def warn(message):
            self.problem("warnings", sheet, number, ref, message)

        values_out = {"ref": ref, "title": title, "origin": block.origin, "order": number}
        present = set(block.columns)
        kind = text(cell("kind"))
        values_out["kind"] = KINDS.get(normalise(kind), "")
        if kind and not values_out["kind"]:
            warn(f"Type {kind!r} is not BAU or Project; left empty.")
        values_out["frequency"] = text(cell("frequency"))[:60]
        for name, label in (("start_date", "start"), ("end_date", "end")):
            day, bad = parse_date(cell(name))
            values_out[name] = day
            if bad:
                warn(f"The {label} date {text(cell(name))!r} is not a date; left empty.")
            elif day is None and name in block.columns:
                warn(f"No {label} date.")
        start, end = values_out["start_date"], values_out["end_date"]
        if start and end and end < start:
            warn(f"The end date {end:%d/%m/%Y} is before the start date {start:%d/%m/%Y}.")
        priority = text(cell("priority"))
        values_out["priority"] = PRIORITIES.get(normalise(priority), "")
        if not priority and "priority" in block.columns:
            warn("No priority.")
        elif not values_out["priority"]:
            warn(f"Priority {priority!r} is not S, S/H, H, M or L; left empty.")
        status = text(cell("status"))
        values_out["status"] = STATUSES.get(normalise(status), "")
        if status and not values_out["status"]:
            warn(f"Status {status!r} is not a status of the plan; left empty.")
        owner = text(cell("owner"))[:100]
        if not owner and "owner" in present:
            warn("No owner.")
        for name in ("measure", "comment", "internal_links"):
            values_out[name] = text(cell(name))
        aims = set()
        for index, aim in block.aim_columns.items():
            marked = mark(values[index]) if index < len(values) else ""
            if marked in MARKED:
                aims.add(aim)
            elif marked:
                warn(
                    f"Strategic aim {aim}: {text(values[index])!r} is not a mark (X); not counted."
                )
        # A column the block does not have leaves that field as it is (a published export
        # has no internal links column: re-importing it must not wipe them).
        for name in (
            "kind",
            "frequency",
            "start_date",
            "end_date",
            "priority",
            "status",
            "measure",
            "comment",
            "internal_links",
        ):
            if name not in present:
                values_out.pop(name, None)
        if "aims" not in present:
            aims = None
        if "owner" not in present:
            owner = None
        return Parsed(sheet, sheet_order, number, values_out, aims, owner)

    # --- Writing -------------------------------------------------------------------------

    def apply(self, parsed, user, dry_run):
        with transaction.atomic():
            sections = {s.name: s for s in self.plan.sections.all()}
            for item in sorted(parsed, key=lambda p: p.sheet_order):
                if item.section not in sections:
                    sections[item.section] = Section.objects.create(
                        plan=self.plan, name=item.section, order=item.sheet_order
                    )
            aims = {a.number: a for a in self.plan.aims.all()}
            for number in sorted({n for item in parsed for n in item.aims or ()} - set(aims)):
                aims[number] = StrategicAim.objects.create(plan=self.plan, number=number)
            owners = {o.name: o for o in OwnerRole.objects.all()}
            for name in sorted({item.owner for item in parsed if item.owner} - set(owners)):
                owners[name] = OwnerRole.objects.create(name=name)
            existing = {
                (a.section_id, a.ref): a
                for a in Activity.objects.filter(section__plan=self.plan).prefetch_related("aims")
            }
            new, new_aims = [], []
            for item in parsed:
                section = sections[item.section]
                values = dict(item.values)
                if item.owner is not None:
                    values["owner_id"] = owners[item.owner].pk if item.owner else None
                aim_ids = None if item.aims is None else {aims[n].pk for n in item.aims}
                activity = existing.get((section.pk, values["ref"]))
                if activity is None:
                    activity = Activity(section=section, **values)
                    new.append(activity)
                    new_aims.append(aim_ids or set())
                    self.outcome.created += 1
                    self.outcome.changes.append(
                        ("create", item.section, activity.ref, activity.title)
                    )
                    continue
                changed = [k for k, v in values.items() if getattr(activity, k) != v]
                aims_changed = (
                    aim_ids is not None and {a.pk for a in activity.aims.all()} != aim_ids
                )
                if changed or aims_changed:
                    for k in changed:
                        setattr(activity, k, values[k])
                    activity.version += 1
                    activity._history_user = user
                    activity.save()
                    if aims_changed:
                        activity.aims.set(aim_ids)
                    self.outcome.updated += 1
                    what = [k.replace("_", " ") for k in changed if k != "order"]
                    self.outcome.changes.append(
                        (
                            "update",
                            item.section,
                            activity.ref,
                            ", ".join(what + (["aims"] if aims_changed else [])),
                        )
                    )
                else:
                    self.outcome.unchanged += 1
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
            if dry_run:
                transaction.set_rollback(True)


def import_plan(plan, content, filename, user=None, dry_run=False):
    """Read, check and (unless dry_run or there are errors) write the plan's activities.
    Raises ImportFailed for a file that cannot be read as a plan at all."""
    importer = PlanImporter(plan)
    parsed = importer.parse(read_sheets(content, filename))
    if importer.outcome.errors:
        return importer.outcome
    importer.apply(parsed, user, dry_run)
    return importer.outcome

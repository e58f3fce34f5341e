"""Importing a project's milestones (issue 20) from the layout its export writes: one row
per milestone, matched on its name within the project, so re-importing changes nothing.
An agreed baseline is never moved by a file: that is the sponsor's re-baseline, with its
reason (projects.milestones)."""

from django.core.exceptions import ValidationError

from ..models import Milestone, validate_year
from ..spreadsheets import RowError, changed_fields, read_date, save_version, text
from .table import TableImporter, yes_or_no

HEADINGS = {
    "name": ["milestone", "name", "milestonename"],
    "workstream": ["workstream", "theme"],
    "baseline": ["baseline", "baselinedate", "agreeddate"],
    "forecast": ["forecast", "forecastdate"],
    "actual": ["actual", "actualdate", "completed", "dateachieved"],
    "status": ["status"],
    "key": ["key", "keymilestone"],
}
COLUMNS = ("Milestone", "Workstream", "Baseline", "Forecast", "Actual", "Status", "Key")


def name(row):
    value = " ".join(row.text("name").split())
    if not value:
        raise RowError("Give the milestone's name.")
    if len(value) > Milestone._meta.get_field("name").max_length:
        raise RowError("The milestone's name is longer than 200 characters.")
    return {"ref": value, "name": value}


def dates(row):
    values = {}
    for column in ("baseline", "forecast", "actual"):
        if column in row.present:
            try:
                values[column] = read_date(row.cells.get(column))
                validate_year(values[column])
            except (ValueError, ValidationError):
                raise RowError(f"The {column} {text(row.cells.get(column))!r} is not a date: "
                               "write 05/06/2024.") from None  # fmt: skip
    return values


def status_and_key(row):
    values = {}
    if "status" in row.present:
        word = row.text("status").lower()
        found = [v for v, label in Milestone.Status.choices if word in (v, label.lower())]
        if word and not found:
            labels = ", ".join(label for _, label in Milestone.Status.choices)
            raise RowError(f"Status is {row.text('status')!r}: write one of {labels}.")
        values["status"] = found[0] if found else Milestone.Status.NOT_STARTED
    if "key" in row.present:
        values["key"] = bool(yes_or_no(row.cells.get("key"), "Key"))
    return values


class MilestoneImporter(TableImporter):
    upload_key = "milestones"
    HEADINGS = HEADINGS
    NEEDED = (("name",),)
    PARSERS = (name, dates, status_and_key)

    def identity(self, values):
        return values["name"].lower()

    def records(self):
        return self.target.milestones.all()

    def parse(self, sheets):
        items = super().parse(sheets)
        existing = {m.name.lower(): m for m in self.records()}
        workstreams = {w.name.lower(): w for w in self.target.workstreams.all()}
        for row in list(items):
            try:
                self.check(row, existing.get(row.values["name"].lower()), workstreams)
            except RowError as exc:
                self.problem("errors", row.sheet, row.number, row.ref, str(exc))
                items.remove(row)
        return items

    def check(self, row, milestone, workstreams):
        values = row.values
        values["milestone"] = milestone
        if "workstream" in row.present:
            named = row.text("workstream")
            values["workstream"] = workstreams.get(named.lower()) if named else None
            if named and values["workstream"] is None:
                have = ", ".join(w.name for w in workstreams.values()) or "none yet"
                raise RowError(f"{self.target.code} has no workstream {named!r} ({have}).")
        agreed = milestone.baseline if milestone else None
        if agreed and "baseline" in values and values["baseline"] != agreed:
            raise RowError(f"Its baseline, {agreed:%d/%m/%Y}, is agreed: only the sponsor "
                           "moves it (Re-baseline, on the milestones page).")  # fmt: skip

    def write(self, parsed, user):
        order = self.records().count()
        for row in parsed:
            values = {k: v for k, v in row.values.items()
                      if k not in ("ref", "milestone")}  # fmt: skip
            milestone = row.values["milestone"]
            if milestone is None:
                order += 1
                created = Milestone(project=self.target, order=order, **values)
                created._history_user = user
                created.save()
                self.outcome.created += 1
                self.outcome.changes.append(("create", created.name, ""))
                continue
            changed = changed_fields(milestone, values)
            if not changed:
                self.outcome.unchanged += 1
                continue
            save_version(milestone, {k: values[k] for k in changed}, user)
            self.outcome.updated += 1
            self.outcome.changes.append(("update", milestone.name, ", ".join(changed)))


def milestone_row(milestone):
    return [milestone.name, milestone.workstream.name if milestone.workstream else "",
            milestone.baseline, milestone.forecast, milestone.actual,
            milestone.get_status_display(), "yes" if milestone.key else "no"]  # fmt: skip

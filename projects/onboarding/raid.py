"""Importing a project's RAID log (issue 20) from the layout its export writes, or from the
spreadsheet a project kept before Highlight. A row with a reference (I3, A12, DEP2) is that
item: updated if the project has it, added with that number if not, so the references
people already use are kept. A row without one is matched on its kind and title, or added
with the next number. Importing the same file again changes nothing; a column the sheet
does not have is left as it is."""

import re

from django.core.exceptions import ValidationError
from django.db.models import Max

from ..forms.fields import TEXT_LIMIT
from ..models import Project, RaidItem, validate_year
from ..spreadsheets import RowError, changed_fields, read_date, save_version
from .table import Codes, People, TableImporter, yes_or_no

Item = RaidItem
HEADINGS = {
    "ref": ["ref", "reference", "id", "no", "number"],
    "kind": ["kind", "type", "category", "raidtype"],
    "title": ["title", "summary", "name"],
    "description": ["description", "detail", "details"],
    "owner": ["owner", "actionowner", "assignedto"],
    "raised_on": ["raised", "raisedon", "dateraised", "opened"],
    "due": ["due", "dueby", "duedate", "targetdate"],
    "priority": ["priority"],
    "status": ["status"],
    "resolution": ["resolution", "outcome", "closurenote"],
    "for_board": ["fortheboard", "forboard", "boarddecision"],
    "decided_by": ["decidedby"],
    "decided_on": ["decidedon", "datedecided"],
    "issue": ["issue", "forissue", "relatedissue"],
    "depends_on": ["dependson", "dependsonproject"],
}
REF = re.compile(r"^(DEP|AS|I|A|D)0*(\d{1,9})$", re.I)
# The highest number a file may give an item it adds: the log goes on from it (I1000000),
# and its export must still import.
HIGHEST_NEW_NUMBER = 999_999
KIND_OF_PREFIX = {prefix: kind for kind, prefix in Item.PREFIX.items()}
# Columns only one kind has (as projects.forms.raid's OWN_FIELDS).
OWN_COLUMNS = {
    "for_board": Item.Kind.DECISION, "decided_by": Item.Kind.DECISION,
    "decided_on": Item.Kind.DECISION, "issue": Item.Kind.ACTION,
    "depends_on": Item.Kind.DEPENDENCY,
}  # fmt: skip
COLUMNS = ("Ref", "Kind", "Title", "Description", "Owner", "Raised", "Due", "Priority",
           "Status", "Resolution", "For the board", "Decided by", "Decided on", "Issue",
           "Depends on")  # fmt: skip
HEADING = {"for_board": "For the board", "decided_by": "Decided by", "decided_on": "Decided on",
           "issue": "Issue", "depends_on": "Depends on"}  # fmt: skip
DATES = {"raised_on": "Raised", "due": "Due", "decided_on": "Decided on"}


def a(kind):
    """ "an issue", "a decision" """
    return f"{'an' if kind[0] in 'aeiou' else 'a'} {kind}"


def choice(row, column, choices):
    """The value of a choice a cell names, by its label or its value; None when empty."""
    word = row.text(column).lower()
    if not word:
        return None
    for value, label in choices:
        if word in (str(value), label.lower()):
            return value
    labels = ", ".join(label for _, label in choices)
    raise RowError(f"{column.capitalize()} is {row.text(column)!r}: write one of {labels}.")


def read_ref(ref):
    """(kind, number) of a reference as people write it (I3, i03, DEP12)."""
    found = REF.match(ref.upper())
    if not found:
        raise RowError(f"The reference {ref!r} is not one Highlight gives: write I3, A12, D2, "
                       "DEP1 or AS4.", ref=ref)  # fmt: skip
    if int(found[2]) == 0:
        raise RowError(f"The reference {ref!r} has no number: Highlight numbers from 1.", ref=ref)
    return KIND_OF_PREFIX[found[1]], int(found[2])


def ref_and_kind(row):
    ref, number, kind = row.text("ref").upper(), None, choice(row, "kind", Item.Kind.choices)
    if ref:
        prefix_kind, number = read_ref(ref)
        if kind and kind != prefix_kind:
            raise RowError(f"{ref} is {a(prefix_kind)}'s reference, not {a(kind)}'s.", ref=ref)
        kind, ref = prefix_kind, f"{Item.PREFIX[prefix_kind]}{number}"
    if not kind:
        raise RowError("Give its kind (Issue, Action, Decision, Dependency or Assumption), or "
                       "its reference.")  # fmt: skip
    return {"ref": ref, "number": number, "kind": kind}


def title_and_text(row):
    title = " ".join(row.text("title").split())
    if not title:
        raise RowError("Give its title.")
    if len(title) > Item._meta.get_field("title").max_length:
        raise RowError("The title is longer than 200 characters: put the rest in the description.")
    values = {"title": title}
    row.values["ref"] = row.values["ref"] or title
    for column in ("description", "resolution"):
        if column in row.present:
            values[column] = row.text(column)
            if len(values[column]) > TEXT_LIMIT:
                raise RowError(f"The {column} is longer than {TEXT_LIMIT:,} characters.")
    return values


def dates(row):
    values = {}
    for column, heading in DATES.items():
        if column in row.present:
            try:
                values[column] = read_date(row.cells.get(column))
                validate_year(values[column])
            except (ValueError, ValidationError):
                raise RowError(f"{heading} {row.text(column)!r} is not a date: write "
                               "05/06/2024.") from None  # fmt: skip
    if "raised_on" in values and values["raised_on"] is None:
        del values["raised_on"]  # kept as it is, or asked for when the item is new
    return values


def priority_and_status(row):
    values = {}
    if row.text("priority"):
        values["priority"] = choice(row, "priority", Item.Priority.choices)
    if row.text("status"):
        values["status"] = choice(row, "status", Item.Status.choices)
    if "for_board" in row.present:
        values["for_board"] = bool(yes_or_no(row.cells.get("for_board"), "For the board"))
    if "decided_by" in row.present:
        values["decided_by"] = " ".join(row.text("decided_by").split())
        if len(values["decided_by"]) > Item._meta.get_field("decided_by").max_length:
            raise RowError("Decided by is longer than 150 characters.")
    kind = row.values["kind"]
    for column, own_kind in OWN_COLUMNS.items():
        says = values.get("for_board") if column == "for_board" else row.text(column)
        if says and kind != own_kind:
            raise RowError(f"{HEADING[column]} is for {a(own_kind)}: this is {a(kind)}.")
    return values


class RaidImporter(TableImporter):
    upload_key = "raid"
    HEADINGS = HEADINGS
    NEEDED = (("title",), ("ref", "kind"))
    PARSERS = (ref_and_kind, title_and_text, dates, priority_and_status)

    def identity(self, values):
        if values["number"]:
            return (values["kind"], values["number"])
        return (values["kind"], values["title"].lower())

    def records(self):
        return self.target.raid.all()

    def parse(self, sheets):
        items = super().parse(sheets)
        self.people = People(active_only=False)
        self.existing = {(i.kind, i.number): i for i in self.records()}
        self.projects = Codes(Project.objects.all(), lambda p: p.code)
        in_file = {(r.values["kind"], r.values["number"]) for r in items if r.values["number"]}
        self.issues = {f"I{n}" for kind, n in [*self.existing, *in_file] if kind == "issue"}
        for row in list(items):
            try:
                self.check(row)
            except RowError as exc:
                self.problem("errors", row.sheet, row.number, row.ref, str(exc))
                items.remove(row)
        self.refuse_repeats(items)
        return items

    def refuse_repeats(self, items):
        """Two rows that are one item (one names it by its reference, the other by its
        title), or a row without a reference adding a title another row adds with one
        (importing the file again would find two items with that title)."""

        def titled(row):
            return (row.values["kind"], row.values["title"].lower())

        by_item, numbered = {}, {}
        for row in items:
            if row.values["number"]:
                numbered.setdefault(titled(row), row)
        for row in list(items):
            item = row.values["item"]
            if item is not None:
                other, why = by_item.setdefault(item.pk, row), f"both rows are {item.ref}"
            elif not row.values["number"]:
                other = numbered.get(titled(row), row)
                why = ("a row without a reference is matched on its title, and the file "
                       "would add two with this one")  # fmt: skip
            else:
                continue
            if other is not row:
                self.problem("errors", row.sheet, row.number, row.ref,
                             f"Also on {other.sheet} row {other.number}: {why}. Keep one "
                             "row, or give each its own reference.")  # fmt: skip
                items.remove(row)

    def matched(self, values):
        """The project's item a row is: by its reference, or by its kind and title."""
        if values["number"]:
            return self.existing.get((values["kind"], values["number"]))
        key = (values["kind"], values["title"].lower())
        same = [i for i in self.existing.values() if (i.kind, i.title.lower()) == key]
        if len(same) > 1:
            refs = ", ".join(i.ref for i in same)
            raise RowError(f"{len(same)} {values['kind']}s have this title ({refs}): give the "
                           "reference of the one this row is.")  # fmt: skip
        return same[0] if same else None

    def check(self, row):
        values = row.values
        item = values["item"] = self.matched(values)
        if item is None and (values["number"] or 0) > HIGHEST_NEW_NUMBER:
            raise RowError(f"{values['ref']}: a log's numbers go up by one; number a new item "
                           f"below {HIGHEST_NEW_NUMBER + 1:,}, or leave Ref blank.")  # fmt: skip
        self.links(row, item)
        # The item as it will be: the file's values over what it has now.
        kept = ("raised_on", "due", "status", "resolution", "decided_by", "decided_on")
        merged = {f: getattr(item, f) for f in kept} if item else {}
        merged.update({k: v for k, v in values.items() if k in merged or item is None})
        if not merged.get("raised_on"):
            raise RowError("Give the date it was raised.")
        if merged.get("due") and merged["due"] < merged["raised_on"]:
            raise RowError("It cannot be due before it was raised.")
        if merged.get("status") == Item.Status.CLOSED:
            if not (merged.get("resolution") or "").strip():
                raise RowError("It is closed: say how it was resolved (Resolution).")
            decided = merged.get("decided_by") and merged.get("decided_on")
            if values["kind"] == Item.Kind.DECISION and not decided:
                raise RowError("A closed decision says who took it and when (Decided by, "
                               "Decided on).")  # fmt: skip

    def links(self, row, item):
        """The owner, the issue an action deals with and the project a dependency awaits."""
        values = row.values
        if "owner" in row.present:
            named = row.text("owner")
            values["owner"] = self.people.find(named, "owner") if named else None
            left = values["owner"] and not values["owner"].is_active
            if left and not (item and item.owner_id == values["owner"].pk):
                raise RowError(f"The owner {values['owner']} is switched off: name someone "
                               "who is here.")  # fmt: skip
        if "issue" in row.present:
            named = row.text("issue")
            if named:
                kind, number = read_ref(named)
                named = f"{Item.PREFIX[kind]}{number}"
                if named not in self.issues:
                    raise RowError(f"{self.target.code} has no issue {named} (and the file "
                                   "adds none with that reference).")  # fmt: skip
            values["issue"] = named or None
        if "depends_on" in row.present:
            code = row.text("depends_on")
            values["depends_on"] = self.projects.find(code) if code else None
            if code and values["depends_on"] in (None, self.target):
                raise RowError(f"Depends on {code!r}: no other project has that code.")

    def write(self, parsed, user):
        # Held as raid.add holds it: an item someone adds meanwhile takes the next number.
        Project.objects.select_for_update().filter(pk=self.target.pk).first()
        # Compared with each item as it is now, held: an edit saved meanwhile is not undone.
        now = {i.pk: i for i in self.records().select_for_update()}
        taken = {(i.kind, i.number) for i in now.values()}
        for row in parsed:
            read = row.values["item"]
            if read is not None and (read.pk not in now or now[read.pk].version != read.version):
                self.problem("errors", row.sheet, row.number, row.ref, "Someone changed this "
                             "item since the file was checked: import it again.")  # fmt: skip
        if self.outcome.errors:
            return
        # Issues first, so an action finds an issue the same file adds; within a kind, the
        # rows with references first, so a row without one takes a number after theirs.
        in_order = sorted(parsed, key=lambda r: (r.values["kind"] != Item.Kind.ISSUE,
                                                  r.values["number"] is None))  # fmt: skip
        issues = None
        for row in in_order:
            values = {k: v for k, v in row.values.items() if k not in ("ref", "number", "item")}
            if values["kind"] != Item.Kind.ISSUE and issues is None:
                issues = {i.ref: i for i in self.records().filter(kind=Item.Kind.ISSUE)}
            if values.get("issue") is not None:
                values["issue"] = issues[values["issue"]]  # an action's: checked in parse
            if row.values["item"] is None:
                self.create(row, values, taken, user)
            else:
                self.update(now[row.values["item"].pk], values, user)

    def create(self, row, values, taken, user):
        kind, number = row.values["kind"], row.values["number"]
        if number is None:
            number = 1 + (self.records().filter(kind=kind).aggregate(n=Max("number"))["n"] or 0)
        elif (kind, number) in taken:
            message = "Someone added an item with this reference since the file was checked."
            self.problem("errors", row.sheet, row.number, row.ref, message)
            return
        values = {k: v for k, v in values.items() if k not in OWN_COLUMNS or kind == OWN_COLUMNS[k]}
        item = Item(project=self.target, number=number, **values)
        item._history_user = user
        item.save()
        taken.add((kind, number))
        self.outcome.created += 1
        self.outcome.changes.append(("create", item.ref, item.title))

    def update(self, item, values, user):
        changed = changed_fields(item, values)
        if not changed:
            self.outcome.unchanged += 1
            return
        save_version(item, {k: values[k] for k in changed}, user)
        self.outcome.updated += 1
        self.outcome.changes.append(("update", item.ref, ", ".join(changed).replace("_", " ")))


def raid_row(item):
    """An item as the export writes it (the layout the import reads)."""
    return (item.ref, item.get_kind_display(), item.title, item.description,
            item.owner.username if item.owner else "", item.raised_on, item.due,
            item.get_priority_display(), item.get_status_display(), item.resolution,
            "yes" if item.for_board else "", item.decided_by, item.decided_on,
            item.issue.ref if item.issue else "",
            item.depends_on.code if item.depends_on else "")  # fmt: skip

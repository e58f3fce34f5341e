"""Importing risk registers from spreadsheets (.xlsx or .csv, in the layout councils use:
title rows, then a header row, then a row per risk).

Nothing is dropped silently: every row is imported, or reported with its sheet, row and
reason. Rows with errors stop the whole import (nothing is written); warnings do not.
Re-importing the same file changes nothing: risks are matched on their ref. The skeleton
(Problem, Outcome, the run, the preview and confirmation) is projects.spreadsheets' and
projects.uploads'; this package keeps what is the register's own: its columns (columns.py)
and how its risks, reviews and list entries are written.
"""

from dataclasses import dataclass, field

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from projects.access import is_pmo
from projects.headless import Headless, headed
from projects.models import User
from projects.spreadsheets import (
    HEADER_SEARCH_ROWS,
    Importer,
    ImportFailed,
    Outcome,
    Row,
    RowError,
    changed_fields,
    find_header,
    save_version,
    text,
)

from .. import scoring
from ..alerts import watching_appetite
from ..models import CorporatePriority, Risk, RiskCategory, RiskReview
from . import columns
from .columns import AMBIGUOUS, COLUMN_FOR, REQUIRED
from .title import read_title

__all__ = ["ImportFailed", "RegisterImporter", "import_register"]


@dataclass
class RegisterOutcome(Outcome):
    # changes: (action, ref, what) for the preview
    new_categories: list = field(default_factory=list)
    new_priorities: list = field(default_factory=list)

    JSON_KEYS = (*Outcome.JSON_KEYS, "new_categories", "new_corporate_priorities")

    @property
    def new_corporate_priorities(self):
        return self.new_priorities


@dataclass
class Parsed:
    sheet: str
    row: int
    values: dict
    review: dict | None


class RegisterImporter(Importer):
    outcome_class = RegisterOutcome
    upload_key = "risk-register"

    def __init__(self, register):
        super().__init__(register)
        self.title = None  # the title rows above the first sheet's header
        self.matrix = register.matrix
        self.lists = {
            "category": {c.name.lower(): c for c in RiskCategory.objects.all()},
            "corporate_priority": {p.name.lower(): p for p in CorporatePriority.objects.all()},
        }
        # Owners are matched by full name or username; a name two people share is ambiguous.
        self.users = {}
        for user in User.objects.filter(is_active=True):
            for key in {user.get_full_name().lower(), user.username.lower()} - {""}:
                self.users[key] = AMBIGUOUS if key in self.users else user

    def records(self):
        return self.target.risks.all()

    # --- Reading -------------------------------------------------------------------------

    def parse(self, sheets):
        parsed, seen, headless = [], {}, Headless()
        for sheet, rows in sheets:
            header_row, headings, columns_named = self.header(sheet, rows)
            if header_row is None:
                continue
            for number, values in rows:
                if number <= header_row or not any(text(v) for v in values):
                    continue
                # A column with an unknown heading is reported once, on the header row.
                headless.note(number, values, headed(headings))
                cells = {c: values[i] for i, c in enumerate(columns_named) if c and i < len(values)}
                item = self.parse_row(sheet, number, cells)
                if item is None:
                    continue
                ref = item.values["ref"]
                if ref in seen:
                    where = f"{seen[ref][0]} row {seen[ref][1]}"
                    self.problem("errors", sheet, number, ref, f"Duplicate ref: also on {where}.")
                    continue
                seen[ref] = (sheet, number)
                parsed.append(item)
            headless.report(self, sheet)
        return parsed

    def header(self, sheet, rows):
        """(header row number, its headings, the column of each cell), or (None, None, None)
        with the reason reported when the sheet has no header row it can import from."""
        header_row, headings, named = find_header(rows, COLUMN_FOR, ("ref", "title"))
        if header_row is not None and self.title is None:
            self.title = read_title(self, sheet, rows, header_row)
        if header_row is None:
            if any(any(text(v) for v in values) for _, values in rows):
                self.problem(
                    "errors",
                    sheet,
                    0,
                    "",
                    "No header row naming a Ref and a Risk column was found in "
                    f"the first {HEADER_SEARCH_ROWS} rows.",
                )
            return None, None, None
        for heading, column in zip(headings, named, strict=True):
            if column is None and text(heading):
                message = f"Column {text(heading)!r} is not recognised and was not imported."
                self.problem("warnings", sheet, header_row, "", message)
        found = [c for c in named if c]
        doubled = sorted({c for c in found if found.count(c) > 1})
        missing = [c for c in REQUIRED if c not in named]
        if doubled:
            message = f"More than one column for: {spoken(doubled)}; keep one of each."
        elif missing:
            message = f"Missing columns: {spoken(missing)}"
        else:
            return header_row, headings, named
        self.problem("errors", sheet, header_row, "", message)
        return None, None, None

    def parse_row(self, sheet, number, cells):
        row = self.read_row(Row(self, sheet, number, cells), columns.PARSERS)
        if row is None:
            return None
        review = row.values.pop("review")
        for field_name, column in columns.OPTIONAL_SOURCES.items():
            if column not in cells:
                row.values.pop(field_name, None)
        return Parsed(sheet, number, row.values, review)

    def lookup(self, column, value, new_list):
        """A configurable list entry by name. The lists are the organisation's, which only
        the PMO configures: a new name the PMO imports is added (and said so in the outcome),
        so a register from another organisation still imports; from anyone else it refuses
        the row, naming the entries there are."""
        name, known = text(value), self.lists[column]
        if not name:
            return None
        if name.lower() not in known:
            if not (self.user is None or is_pmo(self.user)):
                raise RowError(unknown_entry(column, name, known))
            getattr(self.outcome, new_list).append(name)
            known[name.lower()] = name  # created when the import is written
        return name

    # --- Writing -------------------------------------------------------------------------

    def write(self, parsed, user):
        with watching_appetite(self.target) as watch:
            self.write_risks(parsed, user)
            watch.wrote(ref__in=[item.values["ref"] for item in parsed])

    def write_risks(self, parsed, user):
        self.keep_title()
        existing = {r.ref: r for r in self.records()}
        latest = self.latest_reviews()
        self.create_list_entries(RiskCategory, self.lists["category"])
        self.create_list_entries(CorporatePriority, self.lists["corporate_priority"])
        new_risks, reviews = [], []
        for item in parsed:
            values = self.resolved(item.values)
            risk = existing.get(values["ref"])
            if risk is None:
                new_risks.append((Risk(register=self.target, **values), item.review))
                self.outcome.created += 1
                self.outcome.changes.append(("create", values["ref"], values["title"]))
                continue
            self.update(risk, values, user)
            if item.review and review_is_new(latest.get(risk.pk), item.review):
                reviews.append(self.new_review(risk, item.review))
        # New risks in bulk (with their history rows): a 5,000-risk register imports
        # in seconds rather than a minute.
        for risk, _ in new_risks:
            risk.note_closing()
        created = bulk_create_with_history(
            [risk for risk, _ in new_risks], Risk, batch_size=500, default_user=user
        )
        for risk, (_, review) in zip(created, new_risks, strict=True):
            if review:
                reviews.append(self.new_review(risk, review))
        if reviews:
            bulk_create_with_history(reviews, RiskReview, batch_size=500, default_user=user)
            self.outcome.changes += [
                ("review", r.risk.ref, "sign-off and comments") for r in reviews
            ]

    def keep_title(self):
        """The register's heading and as-at month, as its title rows give them."""
        register, title = self.target, self.title
        if title is None:
            return
        changed = {}
        if title.heading and title.heading != register.heading:
            changed["heading"] = title.heading
        if title.as_at and title.as_at != register.as_at:
            changed["as_at"] = title.as_at
        if changed:
            # The row, not the object: a preview (rolled back) must leave the caller's
            # register as it was, so the confirmation plans the same changes.
            type(register).objects.filter(pk=register.pk).update(**changed)
            self.outcome.changes.append(("update", register.name, spoken(changed)))

    def new_review(self, risk, review):
        """A sign-off read from the sheet: dated as the sheet is (its title's as-at month, or
        the register's; the day of the import only when neither is known), and by the risk's
        owner, not by whoever imported it."""
        as_at = (self.title.as_at if self.title else None) or self.target.as_at
        return RiskReview(
            risk=risk,
            reviewed_on=as_at or timezone.localdate(),
            reviewed_by=risk.owner,
            imported=True,
            **review,
            **{
                f"{kind}_{part}": getattr(risk, f"{kind}_{part}")
                for kind in scoring.KINDS
                for part in ("probability", "impact")
            },
        )

    def update(self, risk, values, user):
        changed = changed_fields(risk, values)
        if not changed:
            self.outcome.unchanged += 1
            return
        save_version(risk, {k: values[k] for k in changed}, user)
        self.outcome.updated += 1
        self.outcome.changes.append(("update", risk.ref, spoken(changed)))

    def latest_reviews(self):
        latest = {}
        for review in RiskReview.objects.filter(risk__register=self.target).order_by(
            "risk_id", "-reviewed_on", "-pk"
        ):
            latest.setdefault(review.risk_id, review)
        return latest

    def resolved(self, values):
        """The values with list entries by name made the entries themselves."""
        values = dict(values)
        for column, known in self.lists.items():
            if column in values:
                values[column] = known[values[column].lower()] if values[column] else None
        return values

    @staticmethod
    def create_list_entries(model, known):
        for key, value in list(known.items()):
            if isinstance(value, str):
                known[key] = model.objects.create(name=value)


LIST_NAMES = {"category": ("category", "categories"),
              "corporate_priority": ("corporate priority", "corporate priorities")}  # fmt: skip


def unknown_entry(column, name, known, shown=30):
    what, plural = LIST_NAMES[column]
    names = sorted(entry.name for entry in known.values() if not isinstance(entry, str))
    listed = ", ".join(names[:shown]) + (", …" if len(names) > shown else "")
    there = f"Highlight's are: {listed}" if names else "Highlight has none yet"
    return (
        f"The {what} {name!r} is not one Highlight knows ({there}). Only the PMO adds "
        f"{plural}: choose one of these, or ask the PMO to add it."
    )


def spoken(names):
    return ", ".join(name.replace("_", " ") for name in names)


def review_is_new(latest, review):
    return latest is None or (latest.signed_off, latest.comment) != (
        review["signed_off"],
        review["comment"],
    )


def import_register(register, content, filename, user=None, dry_run=False):
    """Read, check and (unless dry_run or there are errors) write. Returns the Outcome;
    raises ImportFailed for a file that cannot be read at all."""
    return RegisterImporter(register).run(content, filename, user=user, dry_run=dry_run)

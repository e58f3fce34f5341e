"""Importing risk registers from spreadsheets (.xlsx or .csv, in the layout councils use:
title rows, then a header row, then a row per risk).

Nothing is dropped silently: every row is imported, or reported with its sheet, row and
reason. Rows with errors stop the whole import (nothing is written); warnings do not.
Re-importing the same file changes nothing: risks are matched on their ref.
"""

import re
from dataclasses import asdict, dataclass, field

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from projects.models import User
from projects.spreadsheets import ImportFailed, read_sheets, text

from . import scoring
from .models import CorporatePriority, Risk, RiskCategory, RiskReview, ref_problem

HEADER_SEARCH_ROWS = 30
AMBIGUOUS = object()
__all__ = ["ImportFailed", "import_register"]


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
    warnings: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    changes: list = field(default_factory=list)  # (action, ref, title) for the preview
    new_categories: list = field(default_factory=list)
    new_priorities: list = field(default_factory=list)

    def as_json(self):
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rows": self.rows,
            "warnings": [asdict(w) for w in self.warnings],
            "errors": [asdict(e) for e in self.errors],
            "new_categories": self.new_categories,
            "new_corporate_priorities": self.new_priorities,
        }


# Column headings as registers write them, normalised (lower case, letters and digits).
HEADINGS = {
    "ref": ["ref", "reference", "riskref", "riskreference", "riskid", "id", "riskno", "no"],
    "title": ["risk", "risktitle", "riskdescription", "title", "description"],
    "category": ["category", "riskcategory"],
    "corporate_priority": ["corporatepriority", "priority", "corporateobjective"],
    "owner": ["riskowner", "owner"],
    "portfolio_holder": ["portfolioholder", "leadmember", "cabinetmember"],
    "treatment": ["tolerance", "treatment", "response", "riskresponse", "riskstrategy"],
    "inherent_probability": ["inherentprobability", "inherentlikelihood"],
    "inherent_impact": ["inherentimpact"],
    "inherent_score": ["inherentriskscore", "inherentscore", "inherentrisk"],
    "residual_probability": ["residualprobability", "residuallikelihood"],
    "residual_impact": ["residualimpact"],
    "residual_score": ["residualriskscore", "residualscore", "residualrisk"],
    "target_probability": ["targetprobability", "targetlikelihood"],
    "target_impact": ["targetimpact"],
    "target_score": ["targetriskscore", "targetscore", "targetrisk"],
    "consequences": ["consequences", "consequence", "impactdescription"],
    "controls": ["currentcontrols", "controls", "existingcontrols"],
    "assurance": ["assurance", "sourcesofassurance"],
    "actions": ["actions", "progress", "progresssofar", "actionsprogress", "furtheractions"],
    "sign_off": ["signoff", "signedoff"],
    "comments": ["comments", "comment", "signoffandcomments"],
    "next_review": ["nextreview", "nextreviewdate", "reviewdate"],
    "status": ["status"],
}
COLUMN_FOR = {alias: column for column, aliases in HEADINGS.items() for alias in aliases}
REQUIRED = [
    "ref",
    "title",
    "inherent_probability",
    "inherent_impact",
    "residual_probability",
    "residual_impact",
]
OPTIONAL_SOURCES = {
    "category": "category",
    "corporate_priority": "corporate_priority",
    "owner": "owner",
    "owner_name": "owner",
    "portfolio_holder": "portfolio_holder",
    "treatment": "treatment",
    "status": "status",
    "consequences": "consequences",
    "controls": "controls",
    "assurance": "assurance",
    "actions": "actions",
    "next_review_date": "next_review",
    "target_probability": "target_probability",
    "target_impact": "target_impact",
}
SIGNED_OFF = {"signoffcomplete", "signedoff", "complete", "completed", "yes", "y", "true", "x"}
TREATMENTS = {"trea": "treat", "tole": "tolerate", "tran": "transfer", "term": "terminate"}


def normalise(heading):
    return re.sub(r"[^a-z0-9]", "", str(heading or "").lower())


# --- Understanding the rows ----------------------------------------------------------------


def find_header(rows):
    """The header row: the first row (below any title rows) naming a ref and a risk."""
    for number, values in rows[:HEADER_SEARCH_ROWS]:
        columns = [COLUMN_FOR.get(normalise(v)) for v in values]
        if "ref" in columns and "title" in columns:
            return number, values, columns
    return None, None, None


BULLET = re.compile(r"(?:^|\s)-\s+(?=[A-Z0-9])")


def restore_bullets(value):
    """Spreadsheet cells often hold a pasted list flattened to "… - First - Second"; given
    two or more such items, put each back on a line of its own so it prints as a list."""
    if len(BULLET.findall(value)) < 2:
        return value
    return BULLET.sub("\n- ", value).lstrip("\n")


LEVEL = re.compile(r"^\s*(\d+)\s*[-–.:]?\s*(.*?)\s*$")


def parse_level(value, labels, what):
    """ "3 Likely", "3" or "Likely" → 3, checked against the matrix's labels."""
    raw = text(value)
    match = LEVEL.match(raw)
    if match:
        number, label = int(match.group(1)), match.group(2)
        if not 1 <= number <= len(labels):
            raise ValueError(f"{what} {raw!r} is not between 1 and {len(labels)}")
        if label and label.lower() != labels[number - 1].lower():
            raise ValueError(f"{what} {raw!r}: on this matrix {number} is {labels[number - 1]!r}")
        return number
    for number, label in enumerate(labels, start=1):
        if raw.lower() == label.lower():
            return number
    raise ValueError(f"{what} {raw!r} is not a level of this matrix ({', '.join(labels)})")


def check_stated_score(stated, assessment, kind):
    """The spreadsheet's own score ("12 Red") against the matrix's; a mismatch is warned."""
    raw = text(stated)
    if not raw or assessment is None:
        return None
    match = LEVEL.match(raw)
    band = assessment.band.name if assessment.band else ""
    if not match:
        return f"{kind} score {raw!r} is not a number and band"
    number, name = int(match.group(1)), match.group(2)
    if number != assessment.score or (name and name.lower() != band.lower()):
        return (
            f"{kind} score stated as {raw!r}, but the matrix gives {assessment.score} {band}; "
            "the matrix's score is used"
        )
    return None


@dataclass
class Parsed:
    sheet: str
    row: int
    values: dict
    review: dict | None


class Importer:
    def __init__(self, register):
        self.register = register
        self.matrix = register.matrix
        self.outcome = Outcome()
        self.categories = {c.name.lower(): c for c in RiskCategory.objects.all()}
        self.priorities = {p.name.lower(): p for p in CorporatePriority.objects.all()}
        # Owners are matched by full name or username; a name two people share is ambiguous.
        self.users = {}
        for user in User.objects.filter(is_active=True):
            for key in {user.get_full_name().lower(), user.username.lower()} - {""}:
                self.users[key] = AMBIGUOUS if key in self.users else user

    def problem(self, kind, sheet, row, ref, message):
        getattr(self.outcome, kind).append(Problem(sheet, row, ref, message))

    def parse(self, sheets):
        parsed, seen = [], {}
        for sheet, rows in sheets:
            header_row, headings, columns = find_header(rows)
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
                continue
            for heading, column in zip(headings, columns, strict=True):
                if column is None and text(heading):
                    self.problem(
                        "warnings",
                        sheet,
                        header_row,
                        "",
                        f"Column {text(heading)!r} is not recognised and was not imported.",
                    )
            named = [c for c in columns if c]
            doubled = sorted({c for c in named if named.count(c) > 1})
            if doubled:
                self.problem(
                    "errors",
                    sheet,
                    header_row,
                    "",
                    "More than one column for: "
                    + ", ".join(d.replace("_", " ") for d in doubled)
                    + "; keep one of each.",
                )
                continue
            missing = [c for c in REQUIRED if c not in columns]
            if missing:
                self.problem(
                    "errors",
                    sheet,
                    header_row,
                    "",
                    "Missing columns: " + ", ".join(m.replace("_", " ") for m in missing),
                )
                continue
            for number, values in rows:
                if number <= header_row or not any(text(v) for v in values):
                    continue
                cells = {c: values[i] for i, c in enumerate(columns) if c and i < len(values)}
                self.outcome.rows += 1
                item = self.parse_row(sheet, number, cells)
                if item is None:
                    continue
                ref = item.values["ref"]
                if ref in seen:
                    self.problem(
                        "errors",
                        sheet,
                        number,
                        ref,
                        f"Duplicate ref: also on {seen[ref][0]} row {seen[ref][1]}.",
                    )
                    continue
                seen[ref] = (sheet, number)
                parsed.append(item)
        return parsed

    def parse_row(self, sheet, number, cells):
        ref = text(cells.get("ref"))
        if not ref:
            self.problem("errors", sheet, number, "", "No ref: every risk needs one.")
            return None
        problem = ref_problem(ref)
        if problem:
            self.problem("errors", sheet, number, ref[:40], problem)
            return None
        title = text(cells.get("title"))
        if not title:
            self.problem("errors", sheet, number, ref, "No risk description.")
            return None
        values = {"ref": ref, "title": title}
        try:
            for kind in scoring.KINDS:
                p, i = cells.get(f"{kind}_probability"), cells.get(f"{kind}_impact")
                if kind == "target" and not text(p) and not text(i):
                    values["target_probability"] = values["target_impact"] = None
                    continue
                values[f"{kind}_probability"] = parse_level(
                    p, self.matrix.probability_labels, f"{kind.capitalize()} probability"
                )
                values[f"{kind}_impact"] = parse_level(
                    i, self.matrix.impact_labels, f"{kind.capitalize()} impact"
                )
        except ValueError as exc:
            self.problem("errors", sheet, number, ref, str(exc))
            return None
        for kind in scoring.KINDS:
            assessment = scoring.assess(
                self.matrix, values[f"{kind}_probability"], values[f"{kind}_impact"]
            )
            warning = check_stated_score(cells.get(f"{kind}_score"), assessment, kind.capitalize())
            if warning:
                self.problem("warnings", sheet, number, ref, warning)
        treatment = text(cells.get("treatment"))
        if treatment:
            key = TREATMENTS.get(normalise(treatment)[:4])
            if key is None:
                self.problem(
                    "errors",
                    sheet,
                    number,
                    ref,
                    f"Treatment {treatment!r} is not Treat, Tolerate, Transfer or Terminate.",
                )
                return None
            values["treatment"] = key
        else:
            values["treatment"] = Risk.Treatment.TREAT
        values["category"] = self.lookup(self.categories, cells.get("category"), "new_categories")
        values["corporate_priority"] = self.lookup(
            self.priorities, cells.get("corporate_priority"), "new_priorities"
        )
        for column, limit in (("category", 80), ("corporate_priority", 120)):
            if len(text(cells.get(column))) > limit:
                self.problem(
                    "errors",
                    sheet,
                    number,
                    ref,
                    f"The {column.replace('_', ' ')} is longer than {limit} characters.",
                )
                return None
        owner = text(cells.get("owner"))
        user = self.users.get(owner.lower()) if owner else None
        if user is AMBIGUOUS:
            self.problem(
                "warnings",
                sheet,
                number,
                ref,
                f"More than one user is called {owner!r}; kept as a name only.",
            )
            user = None
        values["owner"], values["owner_name"] = (user, "") if user else (None, owner[:150])
        values["portfolio_holder"] = text(cells.get("portfolio_holder"))[:150]
        for column in ("owner", "portfolio_holder"):
            if len(text(cells.get(column))) > 150:
                self.problem(
                    "warnings",
                    sheet,
                    number,
                    ref,
                    f"The {column.replace('_', ' ')} was cut to 150 characters.",
                )
        for name in ("consequences", "controls", "assurance", "actions"):
            values[name] = restore_bullets(text(cells.get(name)))
        status = normalise(cells.get("status"))
        values["status"] = Risk.Status.CLOSED if status.startswith("clos") else Risk.Status.OPEN
        if status and not status.startswith(("clos", "open", "live", "active")):
            self.problem(
                "warnings",
                sheet,
                number,
                ref,
                f"Status {text(cells.get('status'))!r} is not Open or Closed; taken as Open.",
            )
        review_at = cells.get("next_review")
        if review_at not in (None, ""):
            values["next_review_date"] = _date(review_at)
            if values["next_review_date"] is None:
                self.problem(
                    "warnings",
                    sheet,
                    number,
                    ref,
                    f"Next review {text(review_at)!r} is not a date; left empty.",
                )
        sign_off, comments = text(cells.get("sign_off")), text(cells.get("comments"))
        review = None
        if sign_off or comments:
            signed = normalise(sign_off)
            review = {"signed_off": signed in SIGNED_OFF, "comment": comments}
        # A column the file does not have leaves that field as it is (re-importing a
        # workbook without, say, a progress column keeps the progress typed in Highlight).
        for field_name, column in OPTIONAL_SOURCES.items():
            if column not in cells:
                values.pop(field_name, None)
        return Parsed(sheet, number, values, review)

    def lookup(self, known, value, new_list):
        """A configurable list entry by name; a new name is added to the list (and said so
        in the outcome), so a register from another organisation still imports."""
        name = text(value)
        if not name:
            return None
        if name.lower() not in known:
            getattr(self.outcome, new_list).append(name)
            known[name.lower()] = name  # created when the import is written
        return name

    # --- Writing ---------------------------------------------------------------------

    def apply(self, parsed, user, dry_run):
        existing = {r.ref: r for r in self.register.risks.all()}
        latest_reviews = {}
        for review in RiskReview.objects.filter(risk__register=self.register).order_by(
            "risk_id", "-reviewed_on", "-pk"
        ):
            latest_reviews.setdefault(review.risk_id, review)
        new_risks, reviews = [], []
        with transaction.atomic():
            self.create_list_entries(RiskCategory, self.categories)
            self.create_list_entries(CorporatePriority, self.priorities)
            for item in parsed:
                values = dict(item.values)
                if "category" in values:
                    values["category"] = self.resolve(self.categories, values["category"])
                if "corporate_priority" in values:
                    values["corporate_priority"] = self.resolve(
                        self.priorities, values["corporate_priority"]
                    )
                risk = existing.get(values["ref"])
                if risk is None:
                    risk = Risk(register=self.register, **values)
                    new_risks.append((risk, item.review))
                    self.outcome.created += 1
                    self.outcome.changes.append(("create", risk.ref, risk.title))
                    continue
                changed = [k for k, v in values.items() if stored(risk, k) != comparable(v)]
                if changed:
                    for k in changed:
                        setattr(risk, k, values[k])
                    risk.version += 1
                    risk._history_user = user
                    risk.save()
                    self.outcome.updated += 1
                    self.outcome.changes.append(
                        ("update", risk.ref, ", ".join(k.replace("_", " ") for k in changed))
                    )
                else:
                    self.outcome.unchanged += 1
                if item.review and self.review_is_new(latest_reviews.get(risk.pk), item.review):
                    reviews.append(self.review(risk, item.review, user))
            # New risks in bulk (with their history rows): a 5,000-risk register imports
            # in seconds rather than a minute.
            created = bulk_create_with_history(
                [risk for risk, _ in new_risks], Risk, batch_size=500, default_user=user
            )
            for risk, (_, review) in zip(created, new_risks, strict=True):
                if review:
                    reviews.append(self.review(risk, review, user))
            if reviews:
                bulk_create_with_history(reviews, RiskReview, batch_size=500, default_user=user)
                self.outcome.changes += [
                    ("review", r.risk.ref, "sign-off and comments") for r in reviews
                ]
            if dry_run:
                transaction.set_rollback(True)

    @staticmethod
    def review(risk, review, user):
        return RiskReview(
            risk=risk,
            reviewed_on=timezone.localdate(),
            reviewed_by=user,
            **review,
            **{
                f"{kind}_{part}": getattr(risk, f"{kind}_{part}")
                for kind in scoring.KINDS
                for part in ("probability", "impact")
            },
        )

    @staticmethod
    def resolve(known, name):
        return known[name.lower()] if name else None

    @staticmethod
    def create_list_entries(model, known):
        for key, value in list(known.items()):
            if isinstance(value, str):
                known[key] = model.objects.create(name=value)

    @staticmethod
    def review_is_new(latest, review):
        return latest is None or (latest.signed_off, latest.comment) != (
            review["signed_off"],
            review["comment"],
        )


FOREIGN_KEYS = {"category", "corporate_priority", "owner"}


def stored(risk, name):
    """A risk's value for comparison, reading foreign keys by id (no query per risk)."""
    return getattr(risk, f"{name}_id") if name in FOREIGN_KEYS else getattr(risk, name)


def comparable(value):
    return value.pk if hasattr(value, "pk") else value


def _date(value):
    import datetime

    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y"):
        try:
            return datetime.datetime.strptime(text(value), pattern).date()
        except ValueError:
            continue
    return None


def import_register(register, content, filename, user=None, dry_run=False):
    """Read, check and (unless dry_run or there are errors) write. Returns the Outcome;
    raises ImportFailed for a file that cannot be read at all."""
    importer = Importer(register)
    parsed = importer.parse(read_sheets(content, filename))
    if importer.outcome.errors:
        return importer.outcome  # nothing is written when any row is wrong
    importer.apply(parsed, user, dry_run)
    return importer.outcome

"""The columns of a risk register, as registers head them, and a parser for each.

A parser reads one column of a `Row` (projects.spreadsheets) and returns the values it
gives the risk; it warns through `row.warn` and refuses the row by raising `RowError`.
PARSERS runs them in order, so a row is refused for the first thing wrong with it.
"""

import re

from projects.spreadsheets import RowError, column_names, normalise, read_date, text

from .. import scoring
from ..models import Risk, ref_problem
from .bullets import restore_bullets

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
COLUMN_FOR = column_names(HEADINGS)
REQUIRED = [
    "ref",
    "title",
    "inherent_probability",
    "inherent_impact",
    "residual_probability",
    "residual_impact",
]
# A risk's field → the column it is read from. A column the file does not have leaves
# that field as it is (re-importing a workbook without, say, a progress column keeps the
# progress typed in Highlight).
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
AMBIGUOUS = object()  # a name two users share
NAME_LIMIT = 150
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


# --- One parser a column -------------------------------------------------------------------


def ref(row):
    ref = row.text("ref")
    if not ref:
        raise RowError("No ref: every risk needs one.")
    problem = ref_problem(ref)
    if problem:
        raise RowError(problem, ref=ref[:40])
    return {"ref": ref}


def title(row):
    title = row.text("title")
    if not title:
        raise RowError("No risk description.")
    return {"title": title}


def level(kind, part):
    """The parser of one assessment's probability or impact ("3 Likely", "3" or "Likely"),
    a level of the register's matrix. A target left blank (both columns) is no target."""
    column, what = f"{kind}_{part}", f"{kind.capitalize()} {part}"

    def parse(row):
        if kind == "target" and not (row.text("target_probability") or row.text("target_impact")):
            return {column: None}
        labels = getattr(row.importer.matrix, f"{part}_labels")
        try:
            return {column: parse_level(row.cells.get(column), labels, what)}
        except ValueError as exc:
            raise RowError(str(exc)) from None

    return parse


def stated_score(kind):
    """The parser of an assessment's score as the sheet states it: only checked (the
    matrix gives the score), with a warning when it disagrees."""

    def parse(row):
        values = row.values
        matrix = row.importer.matrix
        assessment = scoring.assess(matrix, values[f"{kind}_probability"], values[f"{kind}_impact"])
        warning = check_stated_score(row.cells.get(f"{kind}_score"), assessment, kind.capitalize())
        if warning:
            row.warn(warning)
        return {}

    return parse


def treatment(row):
    written = row.text("treatment")
    if not written:
        return {"treatment": Risk.Treatment.TREAT}
    key = TREATMENTS.get(normalise(written)[:4])
    if key is None:
        raise RowError(f"Treatment {written!r} is not Treat, Tolerate, Transfer or Terminate.")
    return {"treatment": key}


def listed(column, new_list, limit):
    """The parser of a column naming an entry of a configurable list (categories, corporate
    priorities); a new name is added to the list when the import is written."""

    def parse(row):
        name = row.importer.lookup(column, row.cells.get(column), new_list)
        if len(row.text(column)) > limit:
            raise RowError(f"The {column.replace('_', ' ')} is longer than {limit} characters.")
        return {column: name}

    return parse


def owner(row):
    """A user, matched by full name or username; otherwise kept as a name."""
    written = row.text("owner")
    user = row.importer.users.get(written.lower()) if written else None
    if user is AMBIGUOUS:
        row.warn(f"More than one user is called {written!r}; kept as a name only.")
        user = None
    if len(written) > NAME_LIMIT:
        row.warn(f"The owner was cut to {NAME_LIMIT} characters.")
    if user:
        return {"owner": user, "owner_name": ""}
    return {"owner": None, "owner_name": written[:NAME_LIMIT]}


def portfolio_holder(row):
    written = row.text("portfolio_holder")
    if len(written) > NAME_LIMIT:
        row.warn(f"The portfolio holder was cut to {NAME_LIMIT} characters.")
    return {"portfolio_holder": written[:NAME_LIMIT]}


def paragraphs(column):
    """The parser of a column of prose, its flattened lists put back on lines."""
    return lambda row: {column: restore_bullets(row.text(column))}


def status(row):
    written = normalise(row.cells.get("status"))
    if written and not written.startswith(("clos", "open", "live", "active")):
        row.warn(f"Status {row.text('status')!r} is not Open or Closed; taken as Open.")
    return {"status": Risk.Status.CLOSED if written.startswith("clos") else Risk.Status.OPEN}


def next_review(row):
    written = row.cells.get("next_review")
    if written in (None, ""):
        return {}
    try:
        return {"next_review_date": read_date(written)}
    except ValueError:
        row.warn(f"Next review {text(written)!r} is not a date; left empty.")
        return {"next_review_date": None}


def review(row):
    """Sign-off and comments: a review of the risk, recorded when it is new."""
    sign_off, comments = row.text("sign_off"), row.text("comments")
    if not (sign_off or comments):
        return {"review": None}
    return {"review": {"signed_off": normalise(sign_off) in SIGNED_OFF, "comment": comments}}


PARSERS = [
    ref,
    title,
    *(level(kind, part) for kind in scoring.KINDS for part in ("probability", "impact")),
    *(stated_score(kind) for kind in scoring.KINDS),
    treatment,
    listed("category", "new_categories", 80),
    listed("corporate_priority", "new_priorities", 120),
    owner,
    portfolio_holder,
    *(paragraphs(name) for name in ("consequences", "controls", "assurance", "actions")),
    status,
    next_review,
    review,
]

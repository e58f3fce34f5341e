"""A risk register: cover with heat maps and the risks by residual score, then a block per
risk laid out like the council's register page."""

import re

from projects.models import Organisation
from risks import access as risk_access
from risks import registers
from risks.models import RiskRegister, RiskReview
from risks.scoring import score

from .base import DocumentKind, SourceMissing, band, day, person, register_kind
from .risk_data import heat_map


@register_kind
class RiskRegisterKind(DocumentKind):
    name = "risk_register"
    label = "Risk register"
    request_fields = ("register",)
    required_fields = ("register",)
    order = 30
    template_name = "pdf/risk_register.html"

    def params_for(self, risk_register, params=None):
        return {"register": risk_register.slug}

    def resolve(self, params):
        key = params.get("register") or ""
        found_in = RiskRegister.objects.select_related("matrix", "owner", "project")
        # The slug first: it is what params_for writes, and one register's name may be
        # another's slug (a register named "ops" beside one whose slug is "ops").
        found = found_in.filter(slug=key).first() or found_in.filter(name=key).first()
        if found is None:
            raise self.missing(params)
        return found

    def missing(self, params):
        return SourceMissing(f"No risk register called {params.get('register') or ''!r}.")

    def can_read(self, user, risk_register, params=None):
        return risk_access.register_role(user, risk_register).can_read

    def refusal(self, risk_register, params):
        """A register one may not read is, to them, no register at all."""
        return self.missing(params)

    def title(self, risk_register, params=None):
        return f"Risk register {risk_register.name}"

    def filename(self, risk_register, params=None):
        return f"{risk_register.slug}-risk-register.pdf"

    def gather(self, risk_register, params=None, progress=None):
        matrix = risk_register.matrix
        rows = registers.rows(
            registers.with_scores(risk_register.risks.all()).order_by("-residual_score", "ref"),
            matrix,
        )
        reviews = {}
        for review in RiskReview.objects.filter(risk__register=risk_register).select_related(
            "reviewed_by"
        ):
            reviews.setdefault(review.risk_id, []).append(review)
        as_at = as_at_of(risk_register, [r for group in reviews.values() for r in group])
        return {
            "register": {
                "name": risk_register.name,
                "heading": risk_register.heading,
                "as_at": as_at,
                "owner": person(risk_register.owner),
                "project": str(risk_register.project) if risk_register.project else "",
                "matrix": matrix.name,
                "description": risk_register.description,
                "probability_labels": matrix.probability_labels,
                "impact_labels": matrix.impact_labels,
            },
            # Its own statement, else the organisation's: never another body's.
            "appetite_statement": risk_register.appetite_statement
            or Organisation.current().risk_appetite,
            "heat_maps": [
                heat_map(
                    f"{title} risk",
                    registers.heat_map(rows, matrix, kind),
                    matrix.impact_labels,
                )
                for title, kind in (("Inherent", "inherent"), ("Residual", "residual"))
            ],
            "risks": [_risk(row, reviews.get(row.risk.pk, [])) for row in rows],
            "outside_appetite": [row.risk.ref for row in rows if row.outside_appetite],
            "appetites": _appetites(rows),
        }


def as_at_of(register, reviews):
    """The as-at date as printed (risks.registers.as_at gives the rule)."""
    date, source = registers.as_at(register, [r.reviewed_on for r in reviews if not r.imported])
    if source == "review":
        return day(date)
    return f"{date:%B %Y}" if date else ""


def _appetites(rows):
    """One line per category the register's risks fall in: its appetite and the highest
    residual band it tolerates (the legend the risks' flags refer to)."""
    categories = {row.risk.category.pk: row.risk.category for row in rows if row.risk.category}
    return [
        {
            "category": category.name,
            "appetite": category.get_appetite_display(),
            "tolerates": category.get_tolerated_level_display(),
        }
        for category in sorted(categories.values(), key=lambda c: c.name)
    ]


# A "Progress so far" heading the text brings itself (as the council's register has it).
PROGRESS_HEADING = re.compile(r"^\s*(#+\s*)?(\*\*)?progress so far\b", re.IGNORECASE | re.MULTILINE)


def column_widths(*texts, floor=20):
    """Percent widths for side-by-side text columns, following how much each holds, so a
    risk's block is as short as its longest column allows (three blocks share a page).
    The square root tempers the share, and no column falls below `floor` percent: a short
    list of controls still reads as a list, not a word a line."""
    weights = [max(len(text), 40) ** 0.5 for text in texts]
    shares = [100 * weight / sum(weights) for weight in weights]
    room = 100 - floor * sum(share < floor for share in shares)
    rest = sum(share for share in shares if share >= floor)
    return [floor if share < floor else round(room * share / rest, 1) for share in shares]


def _risk(row, reviews):
    risk = row.risk
    texts = (risk.consequences, risk.controls, risk.assurance)
    return {
        "ref": risk.ref,
        "title": risk.title,
        "category": str(risk.category or ""),
        "appetite": risk.category.get_appetite_display() if risk.category else "",
        "corporate_priority": str(risk.corporate_priority or ""),
        "owner": risk.owner_display,
        "portfolio_holder": risk.portfolio_holder,
        "treatment": risk.get_treatment_display(),
        "status": risk.get_status_display(),
        "inherent": band(row.inherent),
        "residual": band(row.residual),
        "target": band(row.target),
        "outside_appetite": row.outside_appetite,
        "movement": row.movement,
        "overdue": row.overdue,
        "next_review": day(risk.next_review_date),
        "consequences": risk.consequences,
        "controls": risk.controls,
        "assurance": risk.assurance,
        "actions": risk.actions,
        "columns": list(zip(column_widths(*texts), texts, strict=True)),
        # Printed once: the text's own heading, or ours when it has none.
        "actions_heading": "" if PROGRESS_HEADING.search(risk.actions) else "Progress so far",
        "reviews": [
            {
                # A sign-off read from a spreadsheet is as old as the sheet's month.
                "on": f"as at {review.reviewed_on:%B %Y}"
                if review.imported
                else day(review.reviewed_on),
                "by": str(review.reviewed_by or ""),
                "signed_off": review.signed_off,
                "comment": review.comment,
                "residual_score": score(review.residual_probability, review.residual_impact),
            }
            for review in reviews
        ],
    }

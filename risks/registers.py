"""Rules for registers: reading them with their scores and movement in a fixed number of
queries, heat maps, saving a risk without overwriting someone else's change, and reviews."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, F, Max, OuterRef, Subquery
from django.utils import timezone

from projects.periods import months_later

from . import alerts, scoring
from .models import Risk, RiskReview


class StaleRisk(Exception):
    """Someone else saved the risk after this form was opened."""


def for_summary(risks):
    """What heat maps and counts need, and no more: scores, status, category, review date
    (a register's long texts are most of its bytes)."""
    return (
        risks.annotate(
            residual_score=scoring.score_expression("residual"),
            inherent_score=scoring.score_expression("inherent"),
        )
        .only(
            "pk",
            "ref",
            "status",
            "next_review_date",
            "category",
            "register",
            *(f"{kind}_{part}" for kind in scoring.KINDS for part in ("probability", "impact")),
        )
        .select_related("category")
    )


def with_scores(risks):
    """Residual and inherent scores, and the residual score at the last two reviews (for the
    movement arrow), computed in SQL."""
    reviews = RiskReview.objects.filter(risk=OuterRef("pk")).order_by("-reviewed_on", "-pk")
    review_score = scoring.score_expression("residual")
    return risks.annotate(
        residual_score=scoring.score_expression("residual"),
        inherent_score=scoring.score_expression("inherent"),
        last_review_on=Subquery(reviews.values("reviewed_on")[:1]),
        last_review_score=Subquery(reviews.annotate(s=review_score).values("s")[:1]),
        previous_review_score=Subquery(reviews.annotate(s=review_score).values("s")[1:2]),
    ).select_related("category", "owner", "corporate_priority")


@dataclass
class RiskRow:
    risk: Risk
    inherent: object
    residual: object
    target: object
    outside_appetite: bool
    movement: str  # "up", "down", "same" or "" (fewer than two reviews)
    overdue: bool


def movement(risk):
    """Residual score at the last review against the review before it."""
    last = getattr(risk, "last_review_score", None)
    before = getattr(risk, "previous_review_score", None)
    if last is None or before is None:
        return ""
    return "up" if last > before else "down" if last < before else "same"


def is_overdue(risk, today):
    return (
        risk.status == Risk.Status.OPEN
        and risk.next_review_date is not None
        and risk.next_review_date < today
    )


def rows(risks, matrix, today=None):
    today = today or timezone.localdate()
    result = []
    for risk in risks:
        scores = scoring.assessments(risk, matrix)
        result.append(
            RiskRow(
                risk=risk,
                inherent=scores["inherent"],
                residual=scores["residual"],
                target=scores["target"],
                outside_appetite=scoring.outside_appetite(risk, matrix),
                movement=movement(risk),
                overdue=is_overdue(risk, today),
            )
        )
    return result


@dataclass
class HeatCell:
    probability: int
    impact: int
    probability_label: str
    impact_label: str
    band: object
    count: int
    outside_appetite: int

    @property
    def score(self):
        return scoring.score(self.probability, self.impact)


def heat_map(risk_rows, matrix, kind):
    """Rows of cells, highest probability first (the top of the map), for open risks."""
    counts, breaches = {}, {}
    for row in risk_rows:
        if row.risk.status != Risk.Status.OPEN:
            continue
        score = getattr(row, kind)
        if score is None:
            continue
        key = (score.probability, score.impact)
        counts[key] = counts.get(key, 0) + 1
        breaches[key] = breaches.get(key, 0) + row.outside_appetite
    return heat_cells(counts, breaches, matrix)


def residual_counts(risks):
    """{matrix id: (counts, breaches)} of these risks' residual cells, each a dict keyed
    (probability, impact): the numbers of heat_map(…, "residual") for many registers at
    once, read as a few columns per risk rather than as model objects."""
    breach = Exists(scoring.beyond_appetite(Risk.objects.filter(pk=OuterRef("pk"))))
    result = {}
    for matrix_id, p, i, beyond in (
        risks.filter(residual_probability__isnull=False, residual_impact__isnull=False)
        .annotate(beyond=breach)
        .order_by()
        .values_list("register__matrix_id", "residual_probability", "residual_impact", "beyond")
    ):
        counts, breaches = result.setdefault(matrix_id, ({}, {}))
        counts[(p, i)] = counts.get((p, i), 0) + 1
        breaches[(p, i)] = breaches.get((p, i), 0) + beyond
    return result


def heat_cells(counts, breaches, matrix):
    return [
        [
            HeatCell(
                probability=p,
                impact=i,
                probability_label=matrix.probability_label(p),
                impact_label=matrix.impact_label(i),
                band=scoring.band_for(matrix, scoring.score(p, i)),
                count=counts.get((p, i), 0),
                outside_appetite=breaches.get((p, i), 0),
            )
            for i in matrix.impacts
        ]
        for p in reversed(matrix.probabilities)
    ]


def save_risk(form, expected_version):
    """Save unless someone else saved since the form was opened (then StaleRisk: nothing is
    written and the user keeps what they typed)."""
    risk = form.instance
    with transaction.atomic(), alerts.watching_appetite(risk.register) as watch:
        if risk.pk:
            bumped = Risk.objects.filter(pk=risk.pk, version=expected_version).update(
                version=F("version") + 1
            )
            if not bumped:
                raise StaleRisk
            risk.version = expected_version + 1
        saved = form.save()
        watch.wrote(pk=saved.pk)
        return saved


def record_review(
    risk,
    user,
    reviewed_on,
    comment,
    signed_off,
    next_review_date,
    expected_version=None,
    **scores,
):
    """Record a review with the scores at that time. When it is the newest review the risk
    takes those scores and its next review date moves on; a back-dated review is kept in the
    history without changing today's scores. Refused (StaleRisk) if the risk changed since
    the form was opened."""
    with transaction.atomic(), alerts.watching_appetite(risk.register) as watch:
        watch.wrote(pk=risk.pk)
        locked = Risk.objects.select_for_update().get(pk=risk.pk)
        if expected_version is not None and locked.version != expected_version:
            raise StaleRisk
        newest = locked.reviews.order_by("-reviewed_on", "-pk").first()
        at_review = {
            f"{kind}_{part}": getattr(locked, f"{kind}_{part}")
            for kind in scoring.KINDS
            for part in ("probability", "impact")
        }
        at_review.update(scores)
        review = RiskReview.objects.create(
            risk=locked,
            reviewed_on=reviewed_on,
            reviewed_by=user,
            comment=comment,
            signed_off=signed_off,
            **at_review,
        )
        if newest is None or reviewed_on >= newest.reviewed_on:
            for field, value in scores.items():
                setattr(locked, field, value)
            locked.next_review_date = next_review_date
            locked.version += 1
            locked._history_user = user
            locked.save()
    risk.refresh_from_db()
    return review


def default_next_review(day):
    """A month on: registers are reviewed monthly."""
    return months_later(day, 1)


def as_at(register, reviewed_here=None):
    """When the register was last brought up to date, and how that is known: the date of
    its latest review made in Highlight ("review"), or else the month its imported title
    gives ("title"); (None, "") when neither is known. `reviewed_here`: those reviews'
    dates when the caller has them loaded, to save a query."""
    if reviewed_here is None:
        reviewed_here = RiskReview.objects.filter(risk__register=register, imported=False)
        latest = reviewed_here.aggregate(latest=Max("reviewed_on"))["latest"]
    else:
        latest = max(reviewed_here, default=None)
    if latest and (register.as_at is None or latest >= register.as_at):
        return latest, "review"
    return register.as_at, "title" if register.as_at else ""

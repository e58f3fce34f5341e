"""Risk scores and bands, computed in one place from the register's matrix (never typed).

score = probability × impact; the band is the matrix's band whose range holds the score.
Every page, import and PDF asks these functions; SQL that sorts or filters by a score
builds it with score_expression(), the same product in the database.
"""

from dataclasses import dataclass

from django.db.models import Exists, F, OuterRef

from .models import Risk, RiskBand

KINDS = ("inherent", "residual", "target")


def score(probability, impact):
    return probability * impact


def score_expression(kind):
    """score() in SQL for a risk's or review's `kind` ("residual"…) scores, to annotate."""
    return F(f"{kind}_probability") * F(f"{kind}_impact")


@dataclass(frozen=True)
class Assessment:
    probability: int
    impact: int
    probability_label: str
    impact_label: str
    score: int
    band: object  # RiskBand

    @property
    def level(self):
        return self.band.level if self.band else None


def bands(matrix):
    """The matrix's bands, loaded once per matrix object."""
    if not hasattr(matrix, "_bands_cache"):
        matrix._bands_cache = sorted(matrix.bands.all(), key=lambda b: b.min_score)
    return matrix._bands_cache


def use_bands(matrix, matrix_bands):
    """Give the matrix its bands, read already in order of min_score: a list of many risks
    (the API's) reads every matrix's bands in one query, not once per matrix object."""
    matrix._bands_cache = matrix_bands
    return matrix


def band_for(matrix, score):
    for band in bands(matrix):
        if band.min_score <= score <= band.max_score:
            return band
    return None


def assess(matrix, probability, impact):
    if probability is None or impact is None:
        return None
    product = score(probability, impact)
    return Assessment(
        probability=probability,
        impact=impact,
        probability_label=matrix.probability_label(probability),
        impact_label=matrix.impact_label(impact),
        score=product,
        band=band_for(matrix, product),
    )


def assessments(risk, matrix=None):
    """{"inherent": Assessment, "residual": …, "target": … or None} for a risk or review."""
    matrix = matrix or risk.register.matrix
    return {
        kind: assess(matrix, getattr(risk, f"{kind}_probability"), getattr(risk, f"{kind}_impact"))
        for kind in KINDS
    }


def outside_appetite(risk, matrix=None):
    """Whether the residual band is above what the risk's category tolerates. Only open
    risks count against the appetite: a closed risk is never outside it."""
    if risk.status != Risk.Status.OPEN or risk.category is None:
        return False
    residual = assess(
        matrix or risk.register.matrix, risk.residual_probability, risk.residual_impact
    )
    return bool(residual and residual.band and residual.band.level > risk.category.tolerated_level)


def beyond_appetite(risks):
    """The risks among these that are outside appetite: outside_appetite()'s rule in SQL, so
    finding a portfolio's few breaches does not load its thousands of risks."""
    above = RiskBand.objects.filter(
        matrix=OuterRef("register__matrix"),
        min_score__lte=OuterRef("appetite_score"),
        max_score__gte=OuterRef("appetite_score"),
        level__gt=OuterRef("category__tolerated_level"),
    )
    return (
        risks.filter(status=Risk.Status.OPEN, category__isnull=False)
        .alias(appetite_score=score_expression("residual"))
        .filter(Exists(above))
    )


def achievable_scores(matrix):
    return sorted({score(p, i) for p in matrix.probabilities for i in matrix.impacts})


def matrix_problems(matrix, matrix_bands):
    """Every achievable score must fall in exactly one band."""
    problems = []
    for score in achievable_scores(matrix):
        holding = [b for b in matrix_bands if b.min_score <= score <= b.max_score]
        if len(holding) != 1:
            problems.append(f"Score {score} is in {len(holding)} bands; it must be in exactly one.")
    return problems

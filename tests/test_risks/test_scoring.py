import pytest

from risks import scoring
from risks.models import RiskMatrix
from tests.factories import (
    RiskCategoryFactory,
    RiskFactory,
    RiskMatrixFactory,
    RiskRegisterFactory,
)

# (probability, impact) → band, for every cell of each seeded matrix.
EXPECTED_4X4 = {
    score: "Green" if score <= 4 else "Amber" if score <= 8 else "Red" for score in range(1, 17)
}
EXPECTED_5X5 = {
    score: "Green" if score <= 3 else "Yellow" if score <= 6 else "Amber" if score <= 12 else "Red"
    for score in range(1, 26)
}


@pytest.mark.parametrize(
    "name, size, expected", [("4x4", 4, EXPECTED_4X4), ("5x5", 5, EXPECTED_5X5)]
)
def test_every_cell_scores_and_bands(db, name, size, expected):
    matrix = RiskMatrix.objects.get(name=name)
    assert (len(matrix.probabilities), len(matrix.impacts)) == (size, size)
    for p in range(1, size + 1):
        for i in range(1, size + 1):
            assessment = scoring.assess(matrix, p, i)
            assert assessment.score == p * i
            assert assessment.band.name == expected[p * i], (p, i)


def test_labels_come_from_the_matrix(db):
    four = RiskMatrix.objects.get(name="4x4")
    assert scoring.assess(four, 3, 4).probability_label == "Likely"
    assert scoring.assess(four, 3, 4).impact_label == "Severe"
    five = RiskMatrix.objects.get(name="5x5")
    assert five.is_default and not four.is_default
    assert (five.probability_label(5), five.impact_label(1)) == ("Almost certain", "Insignificant")


def test_seeded_bands_cover_every_achievable_score_exactly_once(db):
    for matrix in RiskMatrix.objects.all():
        assert scoring.matrix_problems(matrix, list(matrix.bands.all())) == []


def test_a_gap_or_overlap_in_bands_is_found(db):
    matrix = RiskMatrix.objects.get(name="4x4")
    bands = list(matrix.bands.all())
    bands[1].max_score = 7  # Amber 5–7 leaves 8 in no band
    assert scoring.matrix_problems(matrix, bands) == [
        "Score 8 is in 0 bands; it must be in exactly one."
    ]


def test_non_square_matrix(db):
    matrix = RiskMatrixFactory(
        name="3x5",
        probability_labels=["Low", "Mid", "High"],
        impact_labels=["1", "2", "3", "4", "5"],
        bands=[("Green", 1, 5), ("Red", 6, 15)],
    )
    assert scoring.assess(matrix, 3, 5).score == 15
    assert scoring.assess(matrix, 3, 5).band.name == "Red"
    assert scoring.matrix_problems(matrix, list(matrix.bands.all())) == []


@pytest.mark.parametrize("name", ["4x4", "5x5"])
def test_the_sql_appetite_rule_agrees_with_the_python_one(db, name):
    """The outside-appetite page finds breaches in SQL (scoring.beyond_appetite); every
    other page asks scoring.outside_appetite. Every cell, every tolerance, both agree."""
    from risks.models import Level, Risk

    matrix = RiskMatrix.objects.get(name=name)
    register = RiskRegisterFactory(name="Grid", matrix=matrix)
    size = len(matrix.probabilities)
    n = 0
    for level in Level:
        category = RiskCategoryFactory(name=f"Tolerates {level.label}", tolerated_level=level)
        for p in range(1, size + 1):
            for i in range(1, size + 1):
                n += 1
                RiskFactory(register=register, ref=f"R{n}", category=category,
                            inherent=(p, i), residual=(p, i))  # fmt: skip
    risks = Risk.objects.filter(register=register).select_related("category")
    in_python = {r.ref for r in risks if scoring.outside_appetite(r, matrix)}
    in_sql = set(scoring.beyond_appetite(risks).values_list("ref", flat=True))
    assert in_sql == in_python
    assert 0 < len(in_python) < n  # some breach, some do not


def test_only_open_risks_count_against_the_appetite(db):
    """A closed risk is never outside appetite, whatever its residual score: in Python and
    in SQL alike, so no caller has to leave closed risks out first."""
    from risks.models import Level, Risk
    from tests.factories import RiskCategoryFactory, RiskFactory, RiskRegisterFactory

    register = RiskRegisterFactory(matrix=RiskMatrix.objects.get(name="4x4"))
    averse = RiskCategoryFactory(tolerated_level=Level.GREEN)
    for ref, status in (("OPEN", Risk.Status.OPEN), ("SHUT", Risk.Status.CLOSED)):
        RiskFactory(register=register, ref=ref, category=averse, status=status, residual=(4, 4))
    risks = register.risks.select_related("category")
    assert {r.ref: scoring.outside_appetite(r, register.matrix) for r in risks} == {
        "OPEN": True,
        "SHUT": False,
    }
    assert list(scoring.beyond_appetite(risks).values_list("ref", flat=True)) == ["OPEN"]


def test_the_score_in_sql_is_the_score_in_python(db):
    from tests.factories import RiskFactory, RiskRegisterFactory

    register = RiskRegisterFactory()
    for p, i in [(1, 5), (3, 4), (5, 5), (2, 1)]:
        RiskFactory(register=register, inherent=(i, p), residual=(p, i))
    for kind in ("inherent", "residual"):
        for risk in register.risks.annotate(s=scoring.score_expression(kind)):
            p, i = getattr(risk, f"{kind}_probability"), getattr(risk, f"{kind}_impact")
            assert risk.s == scoring.score(p, i) == p * i

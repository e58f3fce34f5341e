import pytest

from risks import scoring
from risks.models import RiskMatrix

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
    matrix = RiskMatrix.objects.create(
        name="3x5",
        probability_labels=["Low", "Mid", "High"],
        impact_labels=["1", "2", "3", "4", "5"],
    )
    matrix.bands.create(name="Green", colour="#00703c", level=1, min_score=1, max_score=5)
    matrix.bands.create(name="Red", colour="#d4351c", level=4, min_score=6, max_score=15)
    assert scoring.assess(matrix, 3, 5).score == 15
    assert scoring.assess(matrix, 3, 5).band.name == "Red"
    assert scoring.matrix_problems(matrix, list(matrix.bands.all())) == []


@pytest.mark.parametrize("name", ["4x4", "5x5"])
def test_the_sql_appetite_rule_agrees_with_the_python_one(db, name, alice):
    """The outside-appetite page finds breaches in SQL (scoring.beyond_appetite); every
    other page asks scoring.outside_appetite. Every cell, every tolerance, both agree."""
    from risks.models import Level, Risk, RiskCategory, RiskRegister

    matrix = RiskMatrix.objects.get(name=name)
    register = RiskRegister.objects.create(name="Grid", matrix=matrix, owner=alice)
    size = len(matrix.probabilities)
    n = 0
    for level in Level:
        category = RiskCategory.objects.create(
            name=f"Tolerates {level.label}", tolerated_level=level
        )
        for p in range(1, size + 1):
            for i in range(1, size + 1):
                n += 1
                Risk.objects.create(
                    register=register, ref=f"R{n}", title="Grid", category=category,
                    inherent_probability=p, inherent_impact=i,
                    residual_probability=p, residual_impact=i,
                )  # fmt: skip
    risks = Risk.objects.filter(register=register).select_related("category")
    in_python = {r.ref for r in risks if scoring.outside_appetite(r, matrix)}
    in_sql = set(scoring.beyond_appetite(risks).values_list("ref", flat=True))
    assert in_sql == in_python
    assert 0 < len(in_python) < n  # some breach, some do not

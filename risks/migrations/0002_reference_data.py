"""The two seeded risk matrices and a starting list of risk categories.

4x4 is the matrix of the operational register sample (shared/samples/risk-register-page.txt):
probability Very Unlikely … Very Likely, impact Low … Severe; Green 1–4, Amber 5–8, Red 9–16.
5x5 is the NHS/NPSA grading and the default for new registers: Green 1–3, Yellow 4–6,
Amber 8–12, Red 15–25 (7, 13 and 14 cannot occur on a 5×5).
"""

from django.db import migrations

GREEN, YELLOW, AMBER, RED = 1, 2, 3, 4
MATRICES = {
    "4x4": {
        "probability": ["Very Unlikely", "Unlikely", "Likely", "Very Likely"],
        "impact": ["Low", "Medium", "High", "Severe"],
        "bands": [("Green", "#00703c", GREEN, 1, 4), ("Amber", "#f47738", AMBER, 5, 8),
                  ("Red", "#d4351c", RED, 9, 16)],
        "default": False,
    },
    "5x5": {
        "probability": ["Rare", "Unlikely", "Possible", "Likely", "Almost certain"],
        "impact": ["Insignificant", "Minor", "Moderate", "Major", "Catastrophic"],
        "bands": [("Green", "#00703c", GREEN, 1, 3), ("Yellow", "#ffdd00", YELLOW, 4, 6),
                  ("Amber", "#f47738", AMBER, 8, 12), ("Red", "#d4351c", RED, 15, 25)],
        "default": True,
    },
}  # fmt: skip
# name, appetite, highest residual band tolerated: a starting point the PMO adjusts.
CATEGORIES = [
    ("Strategic", "open", AMBER),
    ("Operational", "cautious", AMBER),
    ("Financial", "cautious", AMBER),
    ("Reputational", "cautious", AMBER),
    ("Compliance and Legal", "minimal", YELLOW),
    ("Health and Safety", "averse", GREEN),
    ("People", "cautious", AMBER),
    ("Information and Technology", "cautious", AMBER),
    ("Project Delivery", "open", AMBER),
]


def create(apps, schema_editor):
    RiskMatrix = apps.get_model("risks", "RiskMatrix")
    RiskBand = apps.get_model("risks", "RiskBand")
    RiskCategory = apps.get_model("risks", "RiskCategory")
    for name, spec in MATRICES.items():
        matrix, created = RiskMatrix.objects.get_or_create(
            name=name,
            defaults={
                "probability_labels": spec["probability"],
                "impact_labels": spec["impact"],
                "is_default": spec["default"],
            },
        )
        if created:
            for band_name, colour, level, low, high in spec["bands"]:
                RiskBand.objects.create(matrix=matrix, name=band_name, colour=colour,
                                        level=level, min_score=low, max_score=high)  # fmt: skip
    for name, appetite, level in CATEGORIES:
        RiskCategory.objects.get_or_create(
            name=name, defaults={"appetite": appetite, "tolerated_level": level}
        )


class Migration(migrations.Migration):
    dependencies = [("risks", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]

"""Reference data every database needs: the PMO and Directors groups, the RAG dimensions
and the RAG scale. The organisation can change the dimensions and add statuses (such as
Amber/Red) afterwards; this only creates what is missing."""

from django.db import migrations

GROUPS = ["PMO", "Directors"]
DIMENSIONS = ["Overall", "Timeline", "Budget", "Issues & Risks"]
# name, colour, severity (higher is worse), counts as complete. Colours from the GOV.UK
# palette, which passes contrast checks with white or black text.
STATUSES = [
    ("Red", "#d4351c", 40, False),
    ("Amber", "#f47738", 30, False),
    ("Green", "#00703c", 10, False),
    ("Blue", "#1d70b8", 0, True),
    ("Grey", "#b1b4b6", 20, False),
]


def create(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    RagDimension = apps.get_model("projects", "RagDimension")
    RagStatus = apps.get_model("projects", "RagStatus")
    for name in GROUPS:
        Group.objects.get_or_create(name=name)
    for order, name in enumerate(DIMENSIONS):
        RagDimension.objects.get_or_create(name=name, defaults={"order": order})
    for order, (name, colour, severity, complete) in enumerate(STATUSES):
        RagStatus.objects.get_or_create(
            name=name,
            defaults={
                "colour": colour,
                "severity": severity,
                "counts_as_complete": complete,
                "order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]

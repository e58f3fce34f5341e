"""Which RAG lines measure the budget and the timeline, and which statuses the tolerances
call Amber and Red, for a database made before issue 20. Its own migration: PostgreSQL
will not index a table (0024's new columns) while this update's checks are pending."""

from django.db import migrations

# The lines the reference data names (0002); an organisation that renamed them says so on
# the dimension's admin page.
MEASURES = {"Budget": "budget", "Timeline": "timeline"}


def name_measures_and_tolerance_statuses(apps, schema_editor):
    RagDimension = apps.get_model("projects", "RagDimension")
    RagStatus = apps.get_model("projects", "RagStatus")
    Organisation = apps.get_model("projects", "Organisation")
    for name, measure in MEASURES.items():
        RagDimension.objects.filter(name=name).update(measures=measure)
    Organisation.objects.update(
        amber_status=RagStatus.objects.filter(name="Amber").first(),
        red_status=RagStatus.objects.filter(name="Red").first(),
    )


class Migration(migrations.Migration):
    dependencies = [("projects", "0024_money")]

    operations = [
        migrations.RunPython(name_measures_and_tolerance_statuses, migrations.RunPython.noop),
    ]

"""Red and Amber ratings must say why (the PMO can mark statuses it adds, such as
Amber/Red, the same way)."""

from django.db import migrations


def mark(apps, schema_editor):
    RagStatus = apps.get_model("projects", "RagStatus")
    RagStatus.objects.filter(name__in=["Red", "Amber"]).update(requires_comment=True)


class Migration(migrations.Migration):
    dependencies = [("projects", "0003_report_fields_workstreams_history")]

    operations = [migrations.RunPython(mark, migrations.RunPython.noop)]

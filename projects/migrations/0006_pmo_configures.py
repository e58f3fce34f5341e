"""The PMO "configures the rest" (DESIGN.md) on every database, not only the demo: its group
gets the admin rights over what it configures. Its members still need staff status, which
only a superuser gives."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# Every model of the projects app (RAG scales, projects, people), and the settings of the
# other apps. Registers, plans and documents are kept through Highlight's own pages.
CONFIGURED = {
    "projects": None,
    "risks": ["riskmatrix", "riskcategory", "corporatepriority", "appetitestatement"],
    "businessplan": ["ownerrole"],
    "reports": ["monthlyrun"],
}


def grant(apps, schema_editor):
    # Permissions are made after all migrations run; make them now so they can be given.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    pmo, _ = Group.objects.get_or_create(name="PMO")
    for app_label, models in CONFIGURED.items():
        rights = Permission.objects.filter(content_type__app_label=app_label)
        if models is not None:
            rights = rights.filter(content_type__model__in=models)
        pmo.permissions.add(*rights)


def take_back(apps, schema_editor):
    """Only what `grant` gave: rights a superuser added by hand stay."""
    Group = apps.get_model("auth", "Group")
    for app_label, models in CONFIGURED.items():
        granted = Group.permissions.through.objects.filter(
            group__name="PMO", permission__content_type__app_label=app_label
        )
        if models is not None:
            granted = granted.filter(permission__content_type__model__in=models)
        granted.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("projects", "0005_report_reminders"),
        ("risks", "0004_ref_validator"),
        ("businessplan", "0002_year_format"),
        ("reports", "0005_document_unsent_since"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, take_back)]

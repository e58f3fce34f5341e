from django.db import migrations

# The audit stays append-only, except that anonymising a leaver (projects/anonymise.py)
# may replace their name in the three text columns, saying so with SET LOCAL
# highlight.audit_anonymise = 'on'. Who acted, when, what, from where and the outcome
# never change.
ALLOW_ANONYMISING = """
CREATE OR REPLACE FUNCTION projects_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('highlight.audit_retention', true) = 'on' THEN
        RETURN OLD;
    END IF;
    IF TG_OP = 'UPDATE' AND current_setting('highlight.audit_anonymise', true) = 'on'
       AND NEW.id = OLD.id AND NEW.at = OLD.at AND NEW.kind = OLD.kind
       AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id
       AND NEW.object_type = OLD.object_type AND NEW.object_id = OLD.object_id
       AND NEW.address IS NOT DISTINCT FROM OLD.address AND NEW.outcome = OLD.outcome THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION USING MESSAGE = 'Audit events are append-only: ' || TG_OP || ' refused';
END;
$$ LANGUAGE plpgsql;
"""
RETENTION_ONLY = """
CREATE OR REPLACE FUNCTION projects_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('highlight.audit_retention', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION USING MESSAGE = 'Audit events are append-only: ' || TG_OP || ' refused';
END;
$$ LANGUAGE plpgsql;
"""


def allow(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ALLOW_ANONYMISING)


def disallow(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(RETENTION_ONLY)


class Migration(migrations.Migration):
    dependencies = [("projects", "0032_leavers")]

    operations = [migrations.RunPython(allow, disallow)]

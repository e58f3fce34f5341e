"""The audit (issue 17, finding 10): each kind of event is recorded with who, when, what,
which object, from where and the outcome; the PMO reads and exports it on /audit/; nothing
changes or removes an event but the retention task (on PostgreSQL, a trigger holds the line);
and the audit survives a backup and restore."""

import datetime
import io
import re
from pathlib import Path

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from projects import audit
from projects.models import AuditEvent, User
from reports import services
from reports.models import Document
from tests.factories import RiskRegisterFactory

PASSWORD = "correct horse battery staple"


def events(kind):
    return list(AuditEvent.objects.filter(kind=kind).order_by("id"))


def only(kind):
    (event,) = events(kind)
    return event


# --- each kind of event ------------------------------------------------------------------


def test_signing_in_and_out_through_the_real_form(client, alice):
    response = client.post(
        reverse("login"), {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="203.0.113.9"
    )
    assert response.status_code == 302
    event = only("sign_in")
    assert (event.actor, event.actor_name, event.address) == (alice, "alice", "203.0.113.9")
    assert event.outcome == "success" and event.description == "By password."
    client.post(reverse("logout"), REMOTE_ADDR="203.0.113.9")
    assert only("sign_out").actor == alice


def test_a_failed_sign_in_names_what_was_typed(client, alice):
    client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    client.post(reverse("login"), {"username": "<script>nobody", "password": "x"})
    first, second = events("sign_in_failed")
    # Who tried is unknown: the account typed is what was tried.
    assert (first.actor, first.actor_name, first.outcome) == (None, "", "failure")
    assert (first.object_repr, first.object_id) == ("account alice", str(alice.pk))
    assert (second.object_repr, second.object_id) == ("no account <script>nobody", "")
    assert "By password" in first.description


def test_a_download_is_recorded(client_for, report, alice, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        document = services.request_document(
            "highlight_report", {"project": "TEST.1", "period": "2024-03"}, alice
        )
    assert Document.objects.get(pk=document.pk).status == "done"
    response = client_for(alice).get(reverse("reports:document-download", args=[document.pk]))
    assert response.status_code == 200
    event = only("download")
    assert event.actor == alice and event.object_type == "reports.document"
    assert event.object_id == str(document.pk) and event.description.endswith(".pdf")


@pytest.mark.parametrize("export", ["dashboard", "register", "plan"])
def test_each_export_is_recorded(export, client_for, pam, project, report):
    from tests.factories import BusinessPlanFactory

    urls = {
        "dashboard": lambda: reverse("projects:dashboard-export"),
        "register": lambda: reverse(
            "risks:register-export", args=[RiskRegisterFactory(owner=pam).slug]
        ),
        "plan": lambda: reverse("businessplan:plan-export", args=[BusinessPlanFactory().year]),
    }
    response = client_for(pam).get(urls[export]())
    assert response.status_code == 200
    event = only("export")
    assert event.actor == pam and ".xlsx" in event.description


def test_an_import_on_its_page_and_on_the_command_line_is_recorded(pam, tmp_path):
    """The upload page's confirm step calls uploads.confirm, as here."""
    from projects import uploads
    from risks.importers import RegisterImporter
    from risks.models import RiskMatrix
    from tests.test_projects.test_import_preview_and_confirm import REGISTER_SAMPLE

    register = RiskRegisterFactory(matrix=RiskMatrix.objects.get(name="4x4"), owner=pam)
    content = REGISTER_SAMPLE.read_bytes()
    outcome, seen = uploads.preview(RegisterImporter, register, content, "risks.xlsx")
    uploads.confirm(RegisterImporter, register, content, "risks.xlsx", seen, user=pam)
    event = only("import")
    assert event.actor == pam and event.object_repr == str(register)
    assert event.description == (
        f"risks.xlsx on its page: {outcome.rows} row(s): {outcome.created} created, "
        "0 updated, 0 unchanged."
    )

    path = tmp_path / "again.xlsx"
    path.write_bytes(content)
    call_command("import_risks", str(path), "--register", register.name, stdout=io.StringIO())
    command = events("import")[1]
    assert command.actor is None and "again.xlsx on the command line" in command.description
    assert f"{outcome.rows} unchanged" in command.description


def test_changes_of_rights_are_recorded(olive, pam):
    boss = User.objects.create_superuser("boss", "boss@example.org", "a-long-passphrase-1")
    client = Client()
    client.force_login(boss)
    url = reverse("admin:projects_user_change", args=[olive.pk])
    form = client.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v not in (None, [])}
    data.pop("password", None)
    directors = Group.objects.get(name="Directors")
    data.update(groups=[directors.pk], is_staff="on", is_active="on",
                date_joined_0="01/01/2024", date_joined_1="09:00:00")  # fmt: skip
    data.pop("date_joined", None)
    data.pop("last_login", None)
    mark = AuditEvent.objects.order_by("id").last().pk
    response = client.post(url, data)
    assert response.status_code == 302, response.text[:3000]
    rights = [e for e in events("rights") if e.object_id == str(olive.pk) and e.pk > mark]
    described = {e.description for e in rights}
    assert "staff on." in described and "Added to Directors." in described
    assert all(e.actor == boss and e.object_repr == str(olive) for e in rights)
    # The admin's own log is mirrored too.
    admin = only("admin")
    assert admin.actor == boss and admin.object_repr == str(olive)
    assert admin.description.startswith("Changed in the admin")
    # From the other side, in code: the PMO group's members.
    Group.objects.get(name="PMO").user_set.remove(pam)
    assert events("rights")[-1].description == "Removed from PMO."


def test_a_password_reset_by_its_owner_is_recorded(client, alice, settings):
    client.post(reverse("password_reset"), {"email": alice.email})
    site = re.escape(settings.SITE_URL.rstrip("/"))
    link = re.search(rf"{site}(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    new = "a brand new passphrase 9"
    client.post(form.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    alice.refresh_from_db()
    assert alice.check_password(new)
    event = only("password_reset")
    assert event.actor == alice and event.object_repr == str(alice)


def test_signing_in_does_not_count_as_a_password_change(client, alice, settings):
    """Django re-hashes a password at sign-in when its hasher's work factor has grown."""
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    from django.contrib.auth.hashers import make_password

    User.objects.filter(pk=alice.pk).update(password=make_password(PASSWORD, hasher="md5"))
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    alice.refresh_from_db()
    assert alice.password.startswith("pbkdf2_")  # it was re-hashed
    assert not events("password_reset") and not events("password_set")


# --- the PMO reads it, and nobody changes it ---------------------------------------------


def test_the_pmo_reads_and_filters_the_audit(client_for, pam, alice, olive):
    audit.record(audit.Kind.EXPORT, actor=alice, object_repr="<b>Dashboard</b>")
    audit.record(audit.Kind.DOWNLOAD, actor=olive, object_repr="TEST.1 March 2024")
    client = client_for(pam)
    page = client.get(reverse("projects:audit")).text
    assert "&lt;b&gt;Dashboard&lt;/b&gt;" in page and "<b>Dashboard" not in page
    assert "TEST.1 March 2024" in page
    filtered = client.get(reverse("projects:audit"), {"who": "olive"}).text
    rows = filtered.split("<tbody>", 1)[1]
    assert "TEST.1 March 2024" in rows and "Dashboard" not in rows
    by_kind = client.get(reverse("projects:audit"), {"kind": "export"}).text.split("<tbody>")[1]
    assert "Dashboard" in by_kind and "TEST.1 March 2024" not in by_kind
    later = timezone.localdate() + datetime.timedelta(days=1)
    assert "No events match" in client.get(reverse("projects:audit"), {"since": later}).text


def test_the_audit_exports_as_inert_spreadsheet_text(client_for, pam, alice):
    audit.record(audit.Kind.EXPORT, actor=alice, object_repr='=HYPERLINK("http://x")')
    response = client_for(pam).get(reverse("projects:audit-export"), {"who": "alice"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 1
    assert rows[0][1] == "alice" and rows[0][4] == '\'=HYPERLINK("http://x")'
    # The export is itself recorded.
    exported = AuditEvent.objects.filter(kind="export", actor=pam).get()
    assert exported.description == "1 event(s) as .xlsx; filters: who alice."


def test_only_the_pmo_reads_the_audit(client_for, diana, alice):
    for person in (diana, alice):
        assert client_for(person).get(reverse("projects:audit")).status_code == 403
        assert client_for(person).get(reverse("projects:audit-export")).status_code == 403


def test_nothing_in_the_app_changes_or_removes_an_event(alice):
    event = audit.record(audit.Kind.EXPORT, actor=alice, object_repr="Dashboard")
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.filter(pk=event.pk).update(description="nothing happened")
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).object_repr == "Dashboard"
    from django.contrib import admin

    assert AuditEvent not in admin.site._registry


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger is PostgreSQL's"
)
def test_the_database_refuses_to_change_or_remove_an_event(alice):
    event = audit.record(audit.Kind.EXPORT, actor=alice, object_repr="Dashboard")
    table = AuditEvent._meta.db_table
    for sql in (f"UPDATE {table} SET description = 'x'", f"DELETE FROM {table}"):  # noqa: S608
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert AuditEvent.objects.get(pk=event.pk).description == ""


def test_old_events_are_removed_by_the_retention_task_which_records_it(alice, settings):
    settings.AUDIT_RETENTION_DAYS = 730
    with time_machine.travel(timezone.now() - datetime.timedelta(days=731)):
        audit.record(audit.Kind.EXPORT, actor=alice, object_repr="Old")
    with time_machine.travel(timezone.now() - datetime.timedelta(days=729)):
        audit.record(audit.Kind.EXPORT, actor=alice, object_repr="Recent")
    from projects.tasks import remove_old_audit_events

    assert remove_old_audit_events.delay().get() == 1
    assert list(AuditEvent.objects.filter(kind="export").values_list("object_repr", flat=True)) == [
        "Recent"
    ]
    ran = only("retention")
    assert "Removed 1 event(s)" in ran.description and "730 days" in ran.description


def test_the_retention_task_is_scheduled_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["remove-old-audit-events"]
    assert entry["task"] == "projects.tasks.remove_old_audit_events"
    assert entry["schedule"].hour == {2}


# --- the audit is backed up and restored ------------------------------------------------


def test_the_audit_survives_a_backup_and_restore(
    transactional_db, django_db_serialized_rollback, alice, tmp_path, media_root
):
    # Serialized rollback, as the other restore tests: the tables are put back as they were
    # for the tests after this one.
    audit.record(audit.Kind.EXPORT, actor=alice, object_repr="Before the backup")
    backup = tmp_path / "highlight.tar.gz"
    call_command("backup", output=str(backup), verbosity=0)
    audit.record(audit.Kind.EXPORT, actor=alice, object_repr="After the backup")

    call_command("restore", str(backup), interactive=False, stdout=io.StringIO())

    kept = list(AuditEvent.objects.order_by("id").values_list("kind", "object_repr"))
    # No event is lost: those made since the backup are added back after its own.
    assert kept.count(("export", "Before the backup")) == 1
    assert kept.count(("export", "After the backup")) == 1
    assert kept[-1] == ("restore", str(backup))
    assert "from the backup made" in AuditEvent.objects.get(kind="restore").description
    if connection.vendor == "postgresql":  # the restored table keeps its guard
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table}")  # noqa: S608
    assert Path(backup).exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the append-only trigger is PostgreSQL's"
)
def test_the_database_check_reports_an_audit_left_open(db):
    call_command("check", databases=["default"], stdout=io.StringIO())  # as migrated: clean
    with connection.cursor() as cursor:  # undone with the test's transaction
        cursor.execute(f"ALTER TABLE {AuditEvent._meta.db_table} DISABLE TRIGGER {audit.GUARD}")

    with pytest.raises(SystemCheckError, match="projects.E001.*can be changed"):
        call_command("check", databases=["default"], stdout=io.StringIO())

"""A backup whose database.dump an attacker made. pg_restore would run the SQL such a dump
holds, as whoever restores: a function that a check calls could make anyone a superuser
(or, run as PostgreSQL's superuser, COPY ... TO PROGRAM a shell command), and a dump
without the audit's trigger would leave the audit open to change. A restore runs none of
it: our migrations build the tables, only rows are copied in, and anything else is refused
before anything changes."""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from projects import audit, dumps
from projects.models import AuditEvent, ImportJob, Project, User
from tests.crafted_dumps import crafted_backup, old_backup
from tests.factories import ProjectFactory, UserFactory
from tests.test_config.test_backup import rows

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_restore and its dumps are PostgreSQL's"
)

# Runs for each row pg_restore copies into the risk categories, after the people.
SUPERUSER_THROUGH_A_CHECK = r"""
CREATE FUNCTION public.highlight_check(text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    IF current_database() NOT LIKE '%\_crafted\_%' THEN
        UPDATE public.projects_user SET is_superuser = true, is_staff = true
        WHERE username = 'mallory';
    END IF;
    RETURN true;
END $$;
ALTER TABLE public.risks_riskcategory ADD CONSTRAINT named CHECK (public.highlight_check(name));
"""
WITHOUT_THE_AUDIT_GUARD = """
DROP TRIGGER projects_auditevent_append_only ON public.projects_auditevent;
DROP FUNCTION public.projects_auditevent_append_only();
"""


@pytest.fixture
def site(transactional_db, django_db_serialized_rollback, media_root):
    """A project, an ordinary person (mallory) and an audit with an event in it."""
    ProjectFactory(code="KEPT.1")
    mallory = UserFactory(username="mallory")
    audit.record(audit.Kind.EXPORT, actor=mallory, object_repr="Dashboard")
    return mallory


def refused(path):
    with pytest.raises(CommandError) as raised:
        call_command("restore", str(path), interactive=False, stdout=io.StringIO())
    assert "Nothing was changed." in str(raised.value)
    return str(raised.value)


def index_names():
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'")
        return {name for (name,) in cursor.fetchall()}


def test_a_dump_with_a_function_of_its_own_is_refused_and_never_run(site, tmp_path):
    backup, _ = crafted_backup(tmp_path, SUPERUSER_THROUGH_A_CHECK)
    before, indexes = rows(), index_names()

    message = refused(backup)

    mallory = User.objects.get(username="mallory")
    assert not mallory.is_superuser and not mallory.is_staff
    assert "what a Highlight backup never does: " in message
    assert "FUNCTION public highlight_check(text)" in message
    assert rows() == before and index_names() == indexes


@pytest.mark.parametrize(
    ("attack", "message"),
    [
        ("CREATE TABLE public.smuggled (id int); INSERT INTO public.smuggled VALUES (1);",
         "has a table Highlight does not: smuggled"),
        ("ALTER TABLE public.projects_project ADD COLUMN backdoor text DEFAULT 'x';",
         "its table projects_project has columns Highlight's does not: backdoor"),
        ("CREATE VIEW public.everyone AS SELECT username FROM public.projects_user;",
         "VIEW public everyone"),
        ("CREATE SEQUENCE public.smuggled_seq; SELECT setval('public.smuggled_seq', 7);",
         "has a sequence Highlight does not: smuggled_seq"),
        ("INSERT INTO public.auth_group (name) VALUES ('Smuggled in');",
         "its table auth_group holds more rows than its manifest counted"),
        ("DELETE FROM public.auth_group_permissions WHERE id = "
         "(SELECT min(id) FROM public.auth_group_permissions);",
         "does not match its manifest: {'auth.group_permissions'"),
        ("ALTER TABLE public.projects_project ALTER COLUMN code TYPE text;"
         "UPDATE public.projects_project SET code = repeat('X', 500);",
         "The backup's data cannot be loaded: value too long"),
    ],
    ids=["a table", "a column", "a view", "a sequence", "a row not counted", "a row missing",
         "bad data"],
)  # fmt: skip
def test_a_dump_with_more_than_highlight_has_is_refused(site, tmp_path, attack, message):
    backup, _ = crafted_backup(tmp_path, attack)
    Project.objects.filter(code="KEPT.1").update(name="Changed after the backup")
    before = rows()

    assert message in refused(backup)

    assert rows() == before
    assert Project.objects.get(code="KEPT.1").name == "Changed after the backup"
    assert audit.guard_installed()


def test_a_dump_without_the_audit_guard_restores_with_it(site, tmp_path):
    backup, _ = crafted_backup(tmp_path, WITHOUT_THE_AUDIT_GUARD)

    call_command("restore", str(backup), interactive=False, stdout=io.StringIO())

    assert audit.guard_installed()
    table = AuditEvent._meta.db_table
    for sql in (f"UPDATE {table} SET description = 'x'", f"DELETE FROM {table}"):  # noqa: S608
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql)
    assert AuditEvent.objects.filter(kind="export", object_repr="Dashboard").exists()


def test_a_backup_from_before_an_upgrade_is_brought_up_to_this_highlight(site, tmp_path):
    """Made before migration 0013 (import jobs): its tables are built as they were then,
    its rows copied in, and the later migrations applied."""
    backup = old_backup(tmp_path, "projects", "0012_report_writers_and_named_approver")
    before = rows()
    UserFactory(username="after-the-backup")

    call_command("restore", str(backup), interactive=False, stdout=io.StringIO())

    assert rows() == before
    assert not User.objects.filter(username="after-the-backup").exists()
    assert ImportJob.objects.count() == 0  # the table is there again, empty
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM django_migrations WHERE name = '0013_import_job'")
        assert cursor.fetchone()
    assert audit.guard_installed()


@pytest.mark.parametrize(
    ("printed", "message"),
    [
        (b"SET client_encoding = 'UTF8';\nDROP TABLE public.projects_project;\n",
         "what is not data, at line 2: DROP TABLE public.projects_project;"),
        (b"COPY public.projects_project (id) FROM stdin; DROP TABLE x;\n\\.\n",
         "what is not data, at line 1: COPY public.projects_project (id) FROM stdin; DROP"),
        (b"COPY public.projects_project (id) FROM PROGRAM 'id';\n",
         "what is not data, at line 1: COPY public.projects_project (id) FROM PROGRAM"),
        (b"SELECT pg_catalog.setval('public.projects_project_id_seq', (SELECT 1), true);\n",
         "what is not data, at line 1: SELECT pg_catalog.setval("),
        (b"SET client_encoding = 'LATIN1';\n", "its data is not in UTF-8"),
        (b"COPY public.projects_project (id, name) FROM stdin;\n1\tcut short\n",
         "its data ends inside a table"),
    ],
    ids=["a statement", "a statement after a copy", "a program", "a query in a sequence",
         "another encoding", "cut short"],
)  # fmt: skip
def test_only_rows_and_sequence_values_are_read_from_what_pg_restore_prints(db, printed, message):
    """pg_restore prints what the dump stores; every line that is neither a table's rows, a
    sequence's value nor pg_restore's own settings and comments is refused, and never run."""
    with pytest.raises(dumps.DumpRefused, match=re.escape(message)), transaction.atomic():
        dumps._copy_rows(io.BytesIO(printed))
    assert Project.objects.model._meta.db_table in connection.introspection.table_names()


def test_an_event_changed_in_a_backup_comes_back_beside_the_original(site, tmp_path):
    """The backup's rows are restored as they are, but no event of the audit as it was is
    lost: the original is added back, so the change shows."""
    rewritten = """
        ALTER TABLE public.projects_auditevent DISABLE TRIGGER projects_auditevent_append_only;
        UPDATE public.projects_auditevent SET description = 'Nothing happened.'
        WHERE object_repr = 'Dashboard';
    """
    backup, _ = crafted_backup(tmp_path, rewritten)
    audit.record(audit.Kind.EXPORT, object_repr="Since the backup")

    call_command("restore", str(backup), interactive=False, stdout=io.StringIO())

    dashboard = AuditEvent.objects.filter(object_repr="Dashboard").order_by("id")
    assert [e.description for e in dashboard] == ["Nothing happened.", ""]
    assert AuditEvent.objects.filter(object_repr="Since the backup").count() == 1
    assert audit.guard_installed()


def test_data_larger_than_a_restore_may_write_is_refused(db, settings):
    settings.RESTORE_MAX_BYTES = 100
    printed = b"SET client_encoding = 'UTF8';\n" + b"-- a comment pg_restore prints\n" * 5
    with pytest.raises(dumps.DumpRefused, match="larger than RESTORE_MAX_BYTES"):
        dumps._copy_rows(io.BytesIO(printed))


def test_a_restore_waits_for_the_sites_locks_only_so_long(site, tmp_path, monkeypatch):
    """A web process mid-request holds its tables: the restore gives up with a reason,
    rather than queue every page behind it."""
    from projects import backups
    from tests.crafted_dumps import _connect

    backup, _ = crafted_backup(tmp_path, "SELECT 1")
    monkeypatch.setattr(backups, "LOCK_TIMEOUT_SECONDS", 1)
    other = _connect(connection.settings_dict["NAME"])
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM projects_project")  # holds it till the end
        assert "Highlight is in use" in refused(backup)
    finally:
        other.rollback()
        other.close()
    assert Project.objects.filter(code="KEPT.1").exists()

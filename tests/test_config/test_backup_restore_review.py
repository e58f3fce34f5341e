"""Hostile review of the PostgreSQL restore (branch review-restore): defects found. Each test
states what a correct restore does; they fail on the code as reviewed."""

import contextlib
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from projects import audit, dumps
from projects.models import AuditEvent, HighlightReport
from tests.crafted_dumps import crafted_backup, old_backup
from tests.factories import ReportFactory
from tests.test_config.test_backup import rows
from tests.test_config.test_backup_dump import site  # noqa: F401  # the fixture

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="pg_restore and its dumps are PostgreSQL's"
)


def test_a_backup_from_before_0012_with_a_report_restores(site, tmp_path):  # noqa: F811
    """A genuine backup made before migration 0012, holding one report. Its rows go in with
    their foreign-key checks deferred; 0012's ALTER TABLE on the reports then fails with
    'cannot ALTER TABLE "projects_highlightreport" because it has pending trigger events',
    so no backup older than 0012 that holds a report can be restored."""
    ReportFactory()
    backup = old_backup(tmp_path, "projects", "0011_audit_event")
    before = {k: v for k, v in rows().items() if k != "projects.HighlightReport_writers"}

    call_command("restore", str(backup), interactive=False, stdout=io.StringIO())

    assert {k: v for k, v in rows().items() if k != "projects.HighlightReport_writers"} == before
    assert HighlightReport.objects.count() == 1
    assert audit.guard_installed()


def test_a_manifest_count_that_is_not_a_number_is_refused_not_a_traceback(site, tmp_path):  # noqa: F811
    """counts is checked only for tables Highlight has; a label it lacks may hold anything.
    The restore then replaces everything and the command crashes on sum(counts) with a
    TypeError: no message, and no audit event of the restore."""
    ours = crafted_backup(tmp_path / "a", "SELECT 1")[1]
    backup, _ = crafted_backup(
        tmp_path, "SELECT 1", counts={**ours["counts"], "nothing.here": "many"}
    )

    with contextlib.suppress(CommandError):  # refused with a message: fine
        call_command("restore", str(backup), interactive=False, stdout=io.StringIO())
    assert AuditEvent.objects.filter(kind=audit.Kind.RESTORE).exists()


class _Endless(io.RawIOBase):
    """What pg_restore prints for a dump whose data block inflates to one endless line (a
    300 KB backup inflated to a 6 GB line here; see the review report)."""

    GUARD = 256 * 1024 * 1024

    def __init__(self, head):
        self.head, self.given = head, 0

    def readable(self):
        return True

    def readinto(self, buffer):
        if self.head:
            n = min(len(buffer), len(self.head))
            buffer[:n], self.head = self.head[:n], self.head[n:]
            return n
        self.given += len(buffer)
        if self.given > self.GUARD:
            raise AssertionError("256 MB of one line read into memory, and still reading")
        buffer[:] = b"A" * len(buffer)
        return len(buffer)


@pytest.mark.parametrize(
    "head",
    [b"SET client_encoding = 'UTF8';\n",
     b"COPY public.projects_project (id, name) FROM stdin;\n"],
    ids=["between tables", "inside a table"],
)  # fmt: skip
def test_an_endless_line_is_refused_before_it_fills_memory(db, head):
    with pytest.raises(dumps.DumpRefused), transaction.atomic():
        dumps._copy_rows(io.BufferedReader(_Endless(head)))

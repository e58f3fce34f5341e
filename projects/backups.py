"""Backing up and restoring all of Highlight: the database and the generated documents.

A backup is one .tar.gz holding
    manifest.json    when, which database engine, the migrations applied, rows per table
    database.dump    pg_dump's custom format (PostgreSQL), or
    database.json    dumpdata (SQLite; content types and permissions are rebuilt on load)
    media/           the generated PDFs

A restore replaces everything. It checks the whole archive first, loads the database in a
single transaction, and only then moves the documents into place, so a bad file changes
nothing. On PostgreSQL no SQL from the dump is run: our migrations build the tables and only
its rows are copied in (projects.dumps). The counts in the manifest come from the same
snapshot as the dump; its list of files and their sizes is what a restore unpacks, and
nothing else (projects.unpacking).
"""

import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
import time
import zlib
from contextlib import contextmanager
from pathlib import Path

import psycopg2
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, OperationalError, connection, transaction
from django.test.utils import override_settings
from django.utils import timezone

from . import audit, dumps
from .dashboard import portfolio_changed
from .manifests import (  # noqa: F401 (BackupError and the checks are used from here)
    FORMAT,
    BackupError,
    RestoredWithDifferences,
    applied_migrations,
    check_migrations,
    check_same_migrations,
    read_manifest,
    read_to_the_end,
)
from .models import AuditEvent
from .unpacking import MANIFEST, Refused, unpack

WORK_PREFIX = ".restore-"  # a restore unpacks into MEDIA_ROOT/.restore-*
LOCK_TIMEOUT_SECONDS = 15
STALE_WORK = 3600  # a restore's folder this old was left by one that was killed
# Rebuilt by migrate on any database; sessions are sign-ins, not data.
NOT_BACKED_UP = ("contenttypes.contenttype", "auth.permission", "sessions.session")


def counts():
    """Rows per table, many-to-many tables included (group memberships, project editors):
    the check that a restore brought everything back."""
    return {
        model._meta.label_lower: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.label_lower not in NOT_BACKED_UP and not model._meta.proxy
    }


def _pg_command(program, *args):
    db = connection.settings_dict
    command = [program]
    # As Django connects: no host means the local socket, as for psql.
    if db["HOST"]:
        command += ["--host", db["HOST"]]
    if db["PORT"]:
        command += ["--port", str(db["PORT"])]
    if db["USER"]:
        command += ["--username", db["USER"]]
    command += args
    env = {**os.environ, "PGPASSWORD": db.get("PASSWORD") or ""}
    try:
        # The program is ours (pg_dump, pg_restore), its arguments come from settings.
        done = subprocess.run(  # noqa: S603  # nosec B603
            command, env=env, capture_output=True, text=True, timeout=3600
        )
    except FileNotFoundError as exc:
        raise BackupError(f"{program} is not installed (Debian: postgresql-client).") from exc
    if done.returncode:
        raise BackupError(f"{program} failed: {done.stderr.strip()[-2000:]}")


def _is_postgresql():
    return connection.vendor == "postgresql"


@contextmanager
def one_snapshot():
    """Everything read inside sees the database at one moment; on PostgreSQL the snapshot's
    name is given, for pg_dump to dump that same moment."""
    if connection.in_atomic_block:
        raise BackupError("A backup cannot be taken inside another transaction.")
    with transaction.atomic():
        if _is_postgresql():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                yield cursor.fetchone()[0]
        else:
            # SQLite: a read transaction holds its snapshot until it ends.
            yield None


def documents(media):
    """The files to back up: not a render's half-written .tmp- file, nor a restore's own."""
    if not media.exists():
        return []
    return sorted(
        p for p in media.rglob("*")
        if p.is_file() and not p.is_symlink() and not p.name.startswith(".tmp-")
        and not p.relative_to(media).parts[0].startswith(WORK_PREFIX)
    )  # fmt: skip


def make_backup(output):
    """Write a backup of everything to `output` (a path ending .tar.gz); returns its manifest."""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    media = Path(settings.MEDIA_ROOT)
    partial = output.with_name(output.name + ".partial")
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        with one_snapshot() as snapshot:
            manifest = {
                "format": FORMAT,
                "made_at": timezone.now().isoformat(),
                "engine": connection.vendor,
                "migrations": applied_migrations(),
                "counts": counts(),
            }
            if snapshot:
                database = work / "database.dump"
                _pg_command("pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                            f"--snapshot={snapshot}", "--file", str(database),
                            connection.settings_dict["NAME"])  # fmt: skip
            else:
                database = work / "database.json"
                exclude = [f"--exclude={label}" for label in NOT_BACKED_UP]
                call_command("dumpdata", "--natural-foreign", *exclude, output=str(database))
        try:
            with tarfile.open(partial, "w:gz") as archive:
                files = {database.name: _add(archive, database, database.name)}
                for path in documents(media):
                    name = f"media/{path.relative_to(media).as_posix()}"
                    try:
                        files[name] = _add(archive, path, name)
                    except FileNotFoundError:
                        continue  # a killed attempt's file, removed by the attempt that won
                manifest["media_files"] = len(files) - 1
                manifest["files"] = files  # what a restore unpacks, and how big each is
                data = json.dumps(manifest, indent=2).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime = len(data), int(timezone.now().timestamp())
                archive.addfile(info, io.BytesIO(data))
            partial.replace(output)  # never a half-written backup under the real name
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return manifest


def _add(archive, path, name):
    """Add one regular file under `name`; returns its size as the archive records it."""
    info = archive.gettarinfo(path, arcname=name)
    with open(path, "rb") as content:
        archive.addfile(info, content)
    return info.size


def default_name():
    return f"highlight-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"


def restore_backup(path):
    """Replace the database and the documents with the backup's; returns its manifest."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"No backup at {path}.")
    media = Path(settings.MEDIA_ROOT)
    media.mkdir(parents=True, exist_ok=True)
    _sweep(media)
    # Unpacked inside the documents folder (often a volume of its own), so that putting
    # the documents in place is a rename on one file system.
    work = Path(tempfile.mkdtemp(prefix=WORK_PREFIX, dir=media))
    try:
        try:
            read_to_the_end(path)
            with tarfile.open(path, "r:gz") as archive:
                manifest = read_manifest(archive)
                check_migrations(manifest)
                unpack(archive, manifest, work)
        except Refused as exc:
            raise BackupError(f"This is not a backup Highlight made: {exc}.") from exc
        except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
            raise BackupError(f"The backup cannot be read: {exc}") from exc
        expected = "postgresql" if _is_postgresql() else "sqlite"
        if manifest["engine"] != expected:
            raise BackupError(
                f"This backup is of a {manifest['engine']} database; this Highlight runs on "
                f"{expected}. Restore it on {manifest['engine']}, or move the data with "
                "dumpdata and loaddata."
            )
        if not _is_postgresql():
            check_same_migrations(manifest)
        restored_media = work / "media"
        restored_media.mkdir(exist_ok=True)
        found = sum(1 for p in restored_media.rglob("*") if p.is_file())
        if found != manifest["media_files"]:
            raise BackupError(f"The backup should hold {manifest['media_files']} documents, "
                              f"but holds {found}.")  # fmt: skip
        _restore_database(work, manifest)
        try:
            _swap(restored_media, media, work)
        except OSError as exc:
            raise RestoredWithDifferences(
                f"The database was restored, but the documents could not be put in place: {exc}"
            ) from exc
    finally:
        shutil.rmtree(work, ignore_errors=True)
    # Only the dashboard's entries: the cache's Redis may be the broker's too, and clearing
    # it all would drop queued renders and emails.
    portfolio_changed()
    return manifest


def _sweep(media):
    """A restore killed mid-way (out of memory, a signal) leaves its unpacked backup."""
    cutoff = time.time() - STALE_WORK
    for left in media.glob(f"{WORK_PREFIX}*"):
        if left.is_dir() and not left.is_symlink() and left.stat().st_mtime < cutoff:
            shutil.rmtree(left, ignore_errors=True)


def _restore_database(work, manifest):
    if _is_postgresql():
        dump = work / "database.dump"
        if not dump.is_file():
            raise BackupError("The backup has no database.dump.")
        _restore_postgresql(dump, manifest)
    else:
        data = work / "database.json"
        if not data.is_file():
            raise BackupError("The backup has no database.json.")
        # History is restored as it was; loading must not write history of its own (the
        # many-to-many fields would). One transaction: a mismatch leaves the data as it was.
        with transaction.atomic(), override_settings(SIMPLE_HISTORY_ENABLED=False):
            aside = list(AuditEvent.objects.values())
            call_command("flush", interactive=False, verbosity=0)
            call_command("loaddata", str(data), verbosity=0)
            check_counts(manifest)
            _add_back(aside)


def _restore_postgresql(dump, manifest):
    """The tables built by our migrations, the dump's rows copied in, then brought up to this
    Highlight: one transaction, so a failure anywhere changes nothing (projects.dumps)."""
    try:
        dumps.check_contents(dump)
        with transaction.atomic():
            with connection.cursor() as cursor:
                # A web or worker process mid-request holds locks: wait a little, not forever
                # (every query queues behind a restore that waits).
                cursor.execute("SET LOCAL lock_timeout = %s", [f"{LOCK_TIMEOUT_SECONDS}s"])
            aside = dumps.set_audit_aside()
            dumps.rebuild_schema(manifest["migrations"])
            check_copied(manifest, dumps.load_data(dump, _expected(manifest)))
            with connection.cursor() as cursor:
                # The rows' foreign keys checked now: PostgreSQL alters no table whose
                # checks are pending, and the migrations below may.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            try:
                # A backup from before an upgrade is brought up to this Highlight.
                call_command("migrate", interactive=False, verbosity=0)
            except Exception as exc:
                raise BackupError(f"The backup could not be brought up to this Highlight: "
                                  f"{exc}") from exc  # fmt: skip
            if aside:
                dumps.add_back_audit()
            if not audit.guard_installed():
                raise BackupError("The restored audit would not be append-only.")
    except dumps.DumpRefused as exc:
        raise BackupError(f"This is not a backup Highlight made: {exc}.") from exc
    except (OperationalError, psycopg2.errors.LockNotAvailable) as exc:
        if "lock timeout" not in str(exc):
            raise BackupError(f"The backup's data cannot be loaded: {exc}") from exc
        raise BackupError("Highlight is in use (a web or worker process holds its tables): "
                          "stop them, then restore.") from exc  # fmt: skip
    except (DatabaseError, psycopg2.Error) as exc:
        raise BackupError(f"The backup's data cannot be loaded: {exc}") from exc


def _tables():
    return {m._meta.label_lower: m._meta.db_table
            for m in apps.get_models(include_auto_created=True)}  # fmt: skip


def _expected(manifest):
    """Rows per table, as the manifest counted them."""
    tables = _tables()
    return {tables[label]: n for label, n in manifest["counts"].items() if label in tables}


def check_copied(manifest, copied):
    """The rows copied from the dump, per table, are those its manifest counted."""
    tables = _tables()
    missing = {
        label: (number, copied.get(tables[label], 0))
        for label, number in manifest["counts"].items()
        if label in tables and copied.get(tables[label], 0) != number
    }
    if missing:
        raise BackupError(f"The backup's database does not match its manifest: {missing}")


def _add_back(events):
    """As dumps.add_back_audit, on SQLite: no event is lost by a restore."""
    restored = {tuple(e.values()) for e in AuditEvent.objects.values()}
    AuditEvent.objects.bulk_create(
        AuditEvent(**{k: v for k, v in e.items() if k != "id"})
        for e in events
        if tuple(e.values()) not in restored
    )


def check_counts(manifest):
    found = counts()
    missing = {
        label: (number, found.get(label))
        for label, number in manifest["counts"].items()
        if found.get(label) != number
    }
    if missing:
        raise BackupError(f"The restored database does not match the backup: {missing}")


def _swap(restored, media, work):
    """The documents folder's contents replaced by the backup's: moved, not the folder itself,
    which may be a mount point. What was there goes with the unpacked backup."""
    before = work / "before"
    before.mkdir()
    for entry in media.iterdir():
        if entry != work:
            entry.rename(before / entry.name)
    for entry in restored.iterdir():
        entry.rename(media / entry.name)

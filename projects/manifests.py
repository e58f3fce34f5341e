"""A backup's manifest: what it says it holds, read and checked before anything changes
(projects.backups)."""

import gzip
import json

from django.db import connection
from django.db.migrations.loader import MigrationLoader

from .unpacking import MANIFEST

FORMAT = 1
MAX_MANIFEST_BYTES = 64 * 1024 * 1024  # read into memory; a manifest of 100,000 documents is ~8 MB
MANIFEST_FIELDS = (("engine", str), ("migrations", dict), ("counts", dict),
                   ("media_files", int), ("made_at", str))  # fmt: skip


class BackupError(Exception):
    """The backup cannot be made or restored; nothing was changed."""


class RestoredWithDifferences(BackupError):
    """The database was replaced, but the documents could not be put in place."""


def applied_migrations():
    loader = MigrationLoader(connection)
    applied = {}
    for app, name in sorted(loader.applied_migrations):
        applied.setdefault(app, []).append(name)
    return applied


def read_manifest(archive):
    try:
        member = archive.getmember(MANIFEST)
        if not member.isreg() or member.size > MAX_MANIFEST_BYTES:
            raise ValueError(f"{MANIFEST} is not a small file")
        manifest = json.load(archive.extractfile(member))
        known = manifest.get("format") == FORMAT
        if known and not all(isinstance(manifest.get(k), kind) for k, kind in MANIFEST_FIELDS):
            raise ValueError(f"{MANIFEST} lacks a field")
        migrations = manifest.get("migrations") or {}
        if known and not all(
            isinstance(names, list) and all(isinstance(n, str) for n in names)
            for names in migrations.values()
        ):
            raise ValueError(f"{MANIFEST} lists migrations that are not names")
        if known and not any(migrations.values()):
            raise ValueError(f"{MANIFEST} lists no migrations")
        if known and not all(type(n) is int and n >= 0 for n in manifest["counts"].values()):
            raise ValueError(f"{MANIFEST} counts rows with something other than numbers")
    except (KeyError, ValueError, AttributeError, RecursionError) as exc:
        raise BackupError("This is not a Highlight backup: it has no readable manifest.") from exc
    if not known:
        raise BackupError(f"This backup's format ({manifest.get('format')}) is not known here.")
    return manifest


def read_to_the_end(path):
    """tarfile takes an archive cut short for a shorter one; gzip knows where it should end."""
    with gzip.open(path, "rb") as stream:
        while stream.read(1 << 20):
            pass


def check_migrations(manifest):
    """A backup from a newer Highlight holds tables this code does not know."""
    known = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    unknown = [
        f"{app}.{name}"
        for app, names in manifest["migrations"].items()
        for name in names
        if (app, name) not in known
    ]
    if unknown:
        raise BackupError(
            "This backup was made by a newer Highlight (it has migrations this one does not: "
            + ", ".join(unknown[:5])
            + "). Upgrade Highlight, then restore it."
        )


def check_same_migrations(manifest):
    """loaddata cannot run the data migrations an older backup has not seen: on SQLite a
    backup restores only into the Highlight that made it."""
    current = applied_migrations()
    missing = [
        f"{app}.{name}"
        for app, names in current.items()
        for name in names
        if name not in manifest["migrations"].get(app, [])
    ]
    if missing:
        raise BackupError(
            "This backup was made before an upgrade (it lacks migrations "
            + ", ".join(missing[:5])
            + "). On SQLite, restore it with the Highlight that made it, then upgrade."
        )

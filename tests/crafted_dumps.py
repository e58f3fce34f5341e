"""Backups whose database.dump someone else made: Highlight's own backup of the test
database, its dump replaced by pg_dump's of a copy changed by the attacker's SQL."""

import contextlib
import io
import json
import os
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import psycopg2
from django.apps import apps
from django.db import connection

from projects.backups import _pg_command, make_backup

ROOT = Path(__file__).resolve().parents[1]
SCRATCH = "_crafted_"  # in the copy's name; the attacker's SQL can tell it is not the target


def _connect(dbname):
    db = connection.settings_dict
    return psycopg2.connect(
        dbname=dbname,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
    )


@contextlib.contextmanager
def scratch_database():
    name = f"{connection.settings_dict['NAME']}{SCRATCH}{uuid.uuid4().hex[:8]}"
    admin = _connect("postgres")
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
        yield name
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def run_sql(dbname, sql):
    conn = _connect(dbname)
    try:
        with conn, conn.cursor() as cursor:
            cursor.execute(sql)
    finally:
        conn.close()


def crafted_backup(tmp_path, attack_sql, **manifest_changes):
    """Our backup of the database as it is, with a dump of a copy changed by `attack_sql`;
    the manifest is ours, with `manifest_changes`, listing the new dump's size."""

    def attack(name, manifest):
        run_sql(name, attack_sql)
        manifest.update(manifest_changes)

    return _backup_of_a_copy(tmp_path, attack)


def old_backup(tmp_path, app, migration):
    """A genuine backup as a Highlight at `app`'s `migration` made it: a copy of the test
    database taken back there by the real reverse migrations, and its manifest read from it."""

    def take_back(name, manifest):
        _manage(name, "migrate", app, migration, "--no-input", "-v0")
        manifest["migrations"], manifest["counts"] = _state(name, manifest["counts"])

    return _backup_of_a_copy(tmp_path, take_back)[0]


def _backup_of_a_copy(tmp_path, change):
    """Our backup, its dump replaced by pg_dump's of a copy of the test database that
    `change(database name, manifest)` changed (the manifest too); returns (path, manifest)."""
    ours = tmp_path / "ours.tar.gz"
    make_backup(ours)
    with tarfile.open(ours) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}
    original, changed = tmp_path / "ours.dump", tmp_path / "changed.dump"
    original.write_bytes(members["database.dump"])
    manifest = json.loads(members["manifest.json"])
    with scratch_database() as name:
        _pg_command("pg_restore", "--no-owner", "--no-privileges", "--dbname", name,
                    str(original))  # fmt: skip
        change(name, manifest)
        _pg_command("pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                    "--file", str(changed), name)  # fmt: skip
    members["database.dump"] = changed.read_bytes()
    manifest["files"]["database.dump"] = len(members["database.dump"])
    members["manifest.json"] = json.dumps(manifest).encode()
    path = tmp_path / "crafted.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        for member, data in members.items():
            info = tarfile.TarInfo(member)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path, manifest


def _manage(dbname, *args):
    db = connection.settings_dict
    url = (f"postgres://{db['USER'] or ''}:{db['PASSWORD'] or ''}@{db['HOST'] or 'localhost'}"
           f":{db['PORT'] or 5432}/{dbname}")  # fmt: skip
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    environment |= {"DEBUG": "1", "DATABASE_URL": url}
    for name in ("REDIS_URL", "CELERY_BROKER_URL"):
        environment.pop(name, None)
    done = subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT,
                          env=environment, capture_output=True, text=True, timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]


def _state(dbname, counted):
    """The migrations applied in `dbname`, and its rows for each label `counted` whose
    table it has."""
    tables = {m._meta.label_lower: m._meta.db_table
              for m in apps.get_models(include_auto_created=True)}  # fmt: skip
    conn = _connect(dbname)
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
            migrations = {}
            for app, name in cursor.fetchall():
                migrations.setdefault(app, []).append(name)
            counts = {}
            for label in counted:
                cursor.execute("SELECT to_regclass(%s)", [tables[label]])
                if cursor.fetchone()[0] is not None:
                    cursor.execute(f'SELECT count(*) FROM "{tables[label]}"')  # noqa: S608
                    counts[label] = cursor.fetchone()[0]
    finally:
        conn.close()
    return migrations, counts

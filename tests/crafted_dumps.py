"""Backups whose database.dump someone else made: Highlight's own backup of the test
database, its dump replaced by pg_dump's of a copy changed by the attacker's SQL."""

import contextlib
import io
import json
import tarfile
import uuid

import psycopg2
from django.db import connection

from projects.backups import _pg_command, make_backup

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
    ours = tmp_path / "ours.tar.gz"
    make_backup(ours)
    with tarfile.open(ours) as tar:
        members = {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}
    original, crafted = tmp_path / "ours.dump", tmp_path / "crafted.dump"
    original.write_bytes(members["database.dump"])
    with scratch_database() as name:
        _pg_command("pg_restore", "--no-owner", "--no-privileges", "--dbname", name,
                    str(original))  # fmt: skip
        run_sql(name, attack_sql)
        _pg_command("pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                    "--file", str(crafted), name)  # fmt: skip
    members["database.dump"] = crafted.read_bytes()
    manifest = json.loads(members["manifest.json"])
    manifest["files"]["database.dump"] = len(members["database.dump"])
    manifest.update(manifest_changes)
    members["manifest.json"] = json.dumps(manifest).encode()
    path = tmp_path / "crafted.tar.gz"
    with tarfile.open(path, "w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path, manifest

"""Restoring a PostgreSQL backup without running any SQL it holds.

pg_restore runs the SQL text a dump stores as it finds it, so a crafted dump runs what it
likes with the rights of whoever restores (as a superuser, COPY ... TO PROGRAM runs a shell
command), and a dump that leaves out the audit's trigger leaves the audit open to change.
So the dump never reaches the database. Highlight's own migrations build the tables, up to
the backup's; pg_restore only prints the dump's data, which is read here: each table's rows
go in through a COPY statement written here, for a table and columns that exist, and each
sequence is set from a value parsed here. Anything else in the dump is refused.
"""

import re
import subprocess
import tempfile
from collections import Counter

import psycopg2
from django.conf import settings
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from .audit import GUARD
from .models import AuditEvent

# What pg_dump writes for Highlight's tables. The audit's guard is ours too, but it is built
# by migration 0011, never taken from a dump.
KINDS = ("TABLE DATA", "TABLE", "SEQUENCE SET", "SEQUENCE OWNED BY", "SEQUENCE", "DEFAULT",
         "FK CONSTRAINT", "CONSTRAINT", "INDEX", "COMMENT", "SCHEMA")  # fmt: skip
OUR_GUARD = (f"FUNCTION public {GUARD}() ",
             f"TRIGGER public projects_auditevent {GUARD} ")  # fmt: skip
ENTRY = re.compile(r"(\d+); (\d+) (\d+) (?P<what>.*)")
NAME = r'(?:[a-z_][a-z0-9_$]*|"(?:[^"]|"")+")'
COPY = re.compile(
    rf"COPY public\.(?P<table>{NAME}) \((?P<columns>{NAME}(?:, {NAME})*)\) FROM stdin;"
)
SETVAL = re.compile(r"SELECT pg_catalog\.setval\('public\.(?P<sequence>[a-z_][a-z0-9_$]*)', "
                    r"(?P<value>\d{1,19}), (?P<called>true|false)\);")  # fmt: skip
# The lines pg_restore prints around the data: its session settings, comments, and psql's
# \restrict guard. None of them is run.
AROUND = re.compile(r"(|--.*|\\(un)?restrict [A-Za-z0-9]+|SET [a-z_]+ = [A-Za-z0-9_']+;"
                    r"|SELECT pg_catalog\.set_config\('search_path', '', false\);)")  # fmt: skip
END_OF_DATA = b"\\.\n"
UTF8 = "SET client_encoding = 'UTF8';"
MAX_SHOWN = 120
MAX_LINE_BYTES = 16 << 20  # a row; Highlight's longest text field is far shorter
ASIDE = "highlight_restore_aside"  # a schema of its own: the audit waits there during a restore
PG_RESTORE = "pg_restore"  # from PATH, as backups runs pg_dump


class DumpRefused(Exception):
    """The dump holds something a Highlight backup does not; nothing was changed."""


def check_contents(dump):
    """Refuse a dump holding anything but Highlight's tables, before anything changes."""
    listing = _pg_restore("--list", dump).stdout.decode("utf-8", "replace")
    for line in listing.splitlines():
        if line.startswith(";") or not line.strip():
            continue
        entry = ENTRY.fullmatch(line)
        what = entry and entry["what"]
        if not what or not (
            what.startswith(OUR_GUARD) or any(what.startswith(kind + " ") for kind in KINDS)
        ):
            raise DumpRefused(f"its database holds what a Highlight backup never does: "
                              f"{_shown(line)}")  # fmt: skip


def rebuild_schema(migrations):
    """Every table dropped, then built by migrations up to the backup's, left empty.
    Call inside a transaction: PostgreSQL undoes all of it if the restore fails."""
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor, include_views=False):
            cursor.execute(f"DROP TABLE IF EXISTS {connection.ops.quote_name(table)} CASCADE")
        cursor.execute(f"DROP FUNCTION IF EXISTS {GUARD}()")
    executor = MigrationExecutor(connection)
    graph = executor.loader.graph
    wanted = {(app, name) for app, names in migrations.items() for name in names}
    # The backup's last migrations: those no other of its migrations builds on.
    targets = sorted(
        node for node in wanted
        if not {child.key for child in graph.node_map[node].children} & wanted
    )  # fmt: skip
    plan = executor.migration_plan(targets, clean_start=True)
    if {(m.app_label, m.name) for m, _ in plan} != wanted:
        raise DumpRefused("its manifest lists migrations without the ones they build on")
    executor.migrate(targets, plan=plan)
    # Data migrations add rows (groups, settings); the backup's rows replace them.
    tables = [t for t in _tables() if t != "django_migrations"]
    with connection.cursor() as cursor:
        # Their foreign keys checked now (TRUNCATE refuses while checks are pending), and the
        # backup's checked at the end, whatever order its tables come in.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute(
            "TRUNCATE " + ", ".join(connection.ops.quote_name(t) for t in tables)
            + " RESTART IDENTITY CASCADE"
        )  # fmt: skip


def set_audit_aside():
    """The audit as it is, moved out of the way of rebuild_schema (which drops every table
    of the current schema) until add_back_audit; False when there is none yet."""
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [AuditEvent._meta.db_table])
        if cursor.fetchone()[0] is None:
            return False
        cursor.execute(f"CREATE SCHEMA {ASIDE}")
        cursor.execute(f"ALTER TABLE {table} SET SCHEMA {ASIDE}")
        # Its guard goes with it: rebuild_schema re-creates the function from migration 0011,
        # and the table set aside is only read, then dropped.
        cursor.execute(f"DROP TRIGGER IF EXISTS {GUARD} ON {ASIDE}.{table}")
    return True


def add_back_audit():
    """Every event set aside that the restored audit does not hold exactly (made since the
    backup, or changed in it) is added back, under a new number: a restore loses no event,
    and an event edited in a backup shows twice. Returns how many were added."""
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    columns = [f.column for f in AuditEvent._meta.concrete_fields if not f.primary_key]
    listed = ", ".join(connection.ops.quote_name(c) for c in columns)
    same = " AND ".join(f"n.{c} IS NOT DISTINCT FROM b.{c}"
                        for c in map(connection.ops.quote_name, ["id", *columns]))  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({listed}) SELECT {listed} FROM {ASIDE}.{table} AS b "  # noqa: S608 # nosec B608: our names
            f"WHERE NOT EXISTS (SELECT 1 FROM {table} AS n WHERE {same}) ORDER BY b.id"
        )
        added = cursor.rowcount
        cursor.execute(f"DROP SCHEMA {ASIDE} CASCADE")
    return added


def load_data(dump, expected=None):
    """Copy the dump's rows into the tables rebuild_schema made; returns rows per table.
    `expected` (rows per table, from the manifest) stops a table that holds more at once."""
    # Errors go to a file: a pipe left unread could fill and stall pg_restore.
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(  # noqa: S603  # nosec B603: our program, our arguments
            [PG_RESTORE, "--data-only", "--file=-", str(dump)],
            stdout=subprocess.PIPE,
            stderr=errors,
        )
        try:
            copied = _copy_rows(process.stdout, expected)
            if process.wait(timeout=3600):
                errors.seek(0)
                error = errors.read().decode("utf-8", "replace")
                raise DumpRefused(f"pg_restore cannot read it: {_shown(error)}")
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
            process.stdout.close()
    return copied


def _copy_rows(stream, expected=None):
    """A few hundred KB of dump can unpack to gigabytes: every line is read to at most
    MAX_LINE_BYTES, everything to at most RESTORE_MAX_BYTES, and a table stops at the rows
    its manifest counted."""
    columns = _columns()
    copied = Counter()
    source = _Limited(stream, settings.RESTORE_MAX_BYTES)
    with connection.cursor() as cursor:
        number = 0
        while raw := source.readline():
            number += 1
            line = raw.decode("utf-8", "replace").rstrip("\n")
            if copy := COPY.fullmatch(line):
                table, names = _target(copy, columns)
                rows = _Rows(source, table, (expected or {}).get(table))
                if table == "django_migrations":  # ours, written by rebuild_schema
                    rows.read_to_the_end()
                    continue
                try:
                    cursor.copy_expert(_copy_statement(table, names), rows)
                except psycopg2.Error:
                    if rows.refused:  # what the database was told, in our words
                        raise rows.refused from None
                    raise
                rows.read_to_the_end()
                copied[table] += cursor.rowcount  # rows PostgreSQL took, not lines we saw
            elif setval := SETVAL.fullmatch(line):
                _set_sequence(cursor, setval)
            elif line.startswith("SET client_encoding") and line != UTF8:
                raise DumpRefused(f"its data is not in UTF-8: {_shown(line)}")
            elif not AROUND.fullmatch(line):
                raise DumpRefused(
                    f"its database holds what is not data, at line {number}: {_shown(line)}"
                )
    return copied


def _pg_restore(*args):
    try:
        done = subprocess.run(  # noqa: S603  # nosec B603: our program, our arguments
            [PG_RESTORE, *map(str, args)], capture_output=True, timeout=3600
        )
    except FileNotFoundError as exc:
        raise DumpRefused("pg_restore is not installed (Debian: postgresql-client)") from exc
    if done.returncode:
        error = done.stderr.decode("utf-8", "replace")
        raise DumpRefused(f"pg_restore cannot read it: {_shown(error)}")
    return done


def _tables():
    with connection.cursor() as cursor:
        return connection.introspection.table_names(cursor)


def _columns():
    """Each table's columns, as the migrations up to the backup's made them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema()"
        )
        columns = {}
        for table, column in cursor.fetchall():
            columns.setdefault(table, set()).add(column)
        return columns


def _unquote(name):
    return name[1:-1].replace('""', '"') if name.startswith('"') else name


def _target(copy, columns):
    table = _unquote(copy["table"])
    names = [_unquote(n) for n in re.findall(NAME, copy["columns"])]
    if table not in columns:
        raise DumpRefused(f"its database has a table Highlight does not: {_shown(table)}")
    unknown = [n for n in names if n not in columns[table]]
    if unknown or len(set(names)) != len(names):
        raise DumpRefused(f"its table {table} has columns Highlight's does not: "
                          f"{_shown(', '.join(unknown) or 'a column twice')}")  # fmt: skip
    return table, names


def _copy_statement(table, names):
    quote = connection.ops.quote_name
    return f"COPY {quote(table)} ({', '.join(map(quote, names))}) FROM STDIN"


def _set_sequence(cursor, setval):
    cursor.execute(
        "SELECT 1 FROM pg_class WHERE relkind = 'S' AND relname = %s "
        "AND relnamespace = current_schema()::regnamespace",
        [setval["sequence"]],
    )
    if cursor.fetchone() is None:
        raise DumpRefused(f"its database has a sequence Highlight does not: {setval['sequence']}")
    cursor.execute(
        "SELECT setval(%s::regclass, %s, %s)",
        [setval["sequence"], int(setval["value"]), setval["called"] == "true"],
    )


def _shown(text):
    text = " ".join(text.split())
    return text if len(text) <= MAX_SHOWN else text[:MAX_SHOWN] + "…"


class _Limited:
    """pg_restore's output, a line at a time, within MAX_LINE_BYTES a line and `budget` in
    all."""

    def __init__(self, stream, budget):
        self.stream, self.left = stream, budget

    def readline(self):
        line = self.stream.readline(MAX_LINE_BYTES + 1)
        if len(line) > MAX_LINE_BYTES:
            raise DumpRefused(f"its data has a line longer than {MAX_LINE_BYTES >> 20} MB")
        self.left -= len(line)
        if self.left < 0:
            raise DumpRefused("its data is larger than RESTORE_MAX_BYTES")
        return line


class _Rows:
    """One table's rows as pg_restore prints them, up to its end-of-data line, for
    copy_expert to read. Rows are data whatever they hold: COPY FROM runs nothing."""

    def __init__(self, source, table="", most=None):
        self.source, self.table, self.most = source, table, most
        self.count, self.ended, self.refused = 0, False, None

    def read(self, size=-1):
        if self.ended:
            return b""
        chunk = []
        length = 0
        while not self.ended and (size < 0 or length < size):
            try:
                line = self.source.readline()
            except DumpRefused as exc:
                self.refused = exc
                raise
            if not line:
                self.refused = DumpRefused("its data ends inside a table")
                raise self.refused
            if line == END_OF_DATA:
                self.ended = True
                break
            chunk.append(line)
            length += len(line)
            self.count += 1
            if self.most is not None and self.count > self.most:
                self.refused = DumpRefused(
                    f"its table {self.table} holds more rows than its manifest counted"
                )
                raise self.refused
        return b"".join(chunk)

    def read_to_the_end(self):
        while self.read(1 << 16):
            pass

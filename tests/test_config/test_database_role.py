"""docker-compose's Highlight connects as a role of its own, owner of its database and not a
superuser (scripts/postgres-init/10-highlight-role.sh). Everything Highlight does works as
that role, a backup and restore included, and the role cannot reach past its database."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg2
import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts/postgres-init/10-highlight-role.sh"

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the role is PostgreSQL's"
)


@pytest.fixture
def app_role(db):
    """The script run as the postgres image runs it, for a role and database of the test's."""
    server = connection.settings_dict
    name = f"highlight_role_{uuid.uuid4().hex[:8]}"
    environment = {
        **os.environ,
        "PGHOST": server["HOST"] or "",
        "PGPORT": str(server["PORT"] or 5432),
        "POSTGRES_USER": server["USER"] or "postgres",
        "HIGHLIGHT_DB_USER": name,
        "HIGHLIGHT_DB_NAME": name,
        "HIGHLIGHT_DB_PASSWORD": "a-password-of-its-own",
    }
    subprocess.run(["sh", str(SCRIPT)], env=environment, check=True, capture_output=True)
    host = server["HOST"] or "localhost"
    yield name, f"postgres://{name}:a-password-of-its-own@{host}:{environment['PGPORT']}/{name}"
    admin = psycopg2.connect(dbname="postgres", host=server["HOST"] or None,
                             port=server["PORT"] or None, user=server["USER"] or None,
                             password=server["PASSWORD"] or None)  # fmt: skip
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'DROP ROLE IF EXISTS "{name}"')
    admin.close()


def manage(url, tmp_path, *args):
    environment = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    environment |= {"DEBUG": "1", "DATABASE_URL": url, "MEDIA_ROOT": str(tmp_path / "media")}
    for name in ("REDIS_URL", "CELERY_BROKER_URL"):
        environment.pop(name, None)  # tasks run in-process, as in `make run`
    done = subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT,
                          env=environment, capture_output=True, text=True, timeout=600)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_highlight_runs_backs_up_and_restores_as_its_own_role(app_role, tmp_path):
    name, url = app_role
    manage(url, tmp_path, "migrate", "--no-input", "-v0")
    manage(url, tmp_path, "seed_demo", "--samples-only", "-v0")
    backup = tmp_path / "backup.tar.gz"
    manage(url, tmp_path, "backup", "--output", str(backup))
    restored = manage(url, tmp_path, "restore", str(backup), "--no-input")
    assert "Restored" in restored
    manage(url, tmp_path, "check", "--database", "default")  # the audit's trigger is there

    role = psycopg2.connect(url)
    try:
        with role.cursor() as cursor:
            cursor.execute("SELECT rolsuper, rolcreatedb, rolcreaterole FROM pg_roles "
                           "WHERE rolname = current_user")  # fmt: skip
            assert cursor.fetchone() == (False, False, False)
            cursor.execute("SELECT count(*) FROM projects_highlightreport")
            assert cursor.fetchone()[0] > 0
            with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                cursor.execute("COPY (SELECT 1) TO PROGRAM 'true'")
    finally:
        role.close()

"""Production settings do not depend on being under test: config/settings.py, read inside
this test run with a production environment, gives the shared cache on Redis, real
workers, https only and hashed static files, and the dashboard works on them."""

import datetime
import runpy
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse

from projects import workflow
from tests.conftest import need
from tests.factories import ReportFactory
from tests.settings import TEST_ENVIRONMENT
from tests.workers import REDIS_URL, redis_available

JANUARY, FEBRUARY = datetime.date(2024, 1, 1), datetime.date(2024, 2, 1)
SETTINGS_FILE = Path(settings.BASE_DIR) / "config" / "settings.py"
# What decides the settings below, besides the test run's own environment.
READ = ("DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "REDIS_URL", "CELERY_BROKER_URL")
PRODUCTION = {
    "SECRET_KEY": "production-" + "x" * 50,
    "ALLOWED_HOSTS": "highlight.example.org",
    "REDIS_URL": REDIS_URL,
}


def read_settings(monkeypatch, **environment):
    """config/settings.py as a process with exactly `environment` (and the database the
    tests use) reads it."""
    for name in (*TEST_ENVIRONMENT, *READ):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS_FILE))


def test_production_reads_production_values_under_pytest_too(monkeypatch):
    production = read_settings(monkeypatch, **PRODUCTION)
    cache = production["CACHES"]["default"]
    assert cache["BACKEND"] == "django_redis.cache.RedisCache"
    assert cache["LOCATION"] == REDIS_URL
    assert production["SECURE_SSL_REDIRECT"] is True
    assert production["CELERY_TASK_ALWAYS_EAGER"] is False
    assert production["CELERY_TASK_EAGER_PROPAGATES"] is False
    assert production["STORAGES"]["staticfiles"]["BACKEND"] == (
        "whitenoise.storage.CompressedManifestStaticFilesStorage"
    )
    assert "PASSWORD_HASHERS" not in production  # Django's own, at full strength


def test_without_a_secret_key_production_refuses_to_start_under_pytest_too(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="Set SECRET_KEY"):
        read_settings(monkeypatch, REDIS_URL=REDIS_URL)


@pytest.mark.parametrize("days", ["0", "-1", "89"])
def test_an_audit_retention_that_would_empty_the_audit_is_refused(monkeypatch, days):
    with pytest.raises(ImproperlyConfigured, match="AUDIT_RETENTION_DAYS must be at least 90"):
        read_settings(monkeypatch, **PRODUCTION, AUDIT_RETENTION_DAYS=days)


def test_a_developers_checkout_runs_on_nothing(monkeypatch):
    """`make run`: DEBUG and nothing else, so tasks run in-process and pages are served
    over http with plain static files."""
    development = read_settings(monkeypatch, DEBUG="1")
    assert development["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")
    assert development["CELERY_TASK_ALWAYS_EAGER"] is True
    assert development["SECURE_SSL_REDIRECT"] is False
    assert development["ALLOWED_HOSTS"] == ["127.0.0.1", "localhost"]
    assert development["STORAGES"]["staticfiles"]["BACKEND"].endswith(".StaticFilesStorage")


@pytest.fixture
def production_cache(monkeypatch, settings):
    """This test's settings take production's cache (django-redis on the real Redis, under a
    key prefix of the test's own) and https redirect."""
    need(redis_available(), f"Redis at {REDIS_URL}")
    prefix = f"highlight-test-{uuid.uuid4().hex[:12]}"
    with monkeypatch.context() as environment:
        production = read_settings(environment, **PRODUCTION, CACHE_KEY_PREFIX=prefix)
    settings.CACHES = production["CACHES"]
    settings.SECURE_SSL_REDIRECT = production["SECURE_SSL_REDIRECT"]
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)


def test_the_dashboard_on_production_cache_and_https(
    production_cache, client, project, alice, bob, diana
):
    first = ReportFactory(project=project, period_start=JANUARY, status_word="On Track")
    workflow.approve(workflow.submit(first, alice), bob)
    client.force_login(diana)
    dashboard = reverse("projects:dashboard")

    over_http = client.get(dashboard)
    assert over_http.status_code == 301
    assert over_http["Location"] == f"https://testserver{dashboard}"
    # Load balancers ask for the health check over http from inside.
    assert client.get("/healthz").status_code == 200

    page = client.get(dashboard, secure=True).content.decode()
    assert "January 2024" in page and "On Track" in page
    cached = redis.Redis.from_url(REDIS_URL).keys(f"{production_cache}:*dashboard:page:*")
    assert cached, "the dashboard was not cached in Redis"
    # An approval is shown at once: the page cached in Redis is forgotten.
    second = ReportFactory(project=project, period_start=FEBRUARY, status_word="At Risk")
    workflow.approve(workflow.submit(second, alice), bob)
    page = client.get(dashboard, secure=True).content.decode()
    assert "February 2024" in page and "At Risk" in page


def test_the_sso_providers_origin_may_answer_the_sign_in_form(monkeypatch):
    """The SSO button's form is answered by a redirect to the provider: browsers check it
    against the policy's form-action (tests/e2e/test_sso_browser.py signs in through it)."""
    issuer = "https://login.example.org/tenant-1/v2.0"
    read = read_settings(monkeypatch, **PRODUCTION, OIDC_ISSUER=issuer)
    form_action = read["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["form-action"]
    assert form_action == ["'self'", "https://login.example.org"]
    monkeypatch.delenv("OIDC_ISSUER")
    without = read_settings(monkeypatch, **PRODUCTION)
    assert without["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]["form-action"] == ["'self'"]


def test_behind_pgbouncer_nothing_is_asked_that_transaction_pooling_breaks(monkeypatch):
    """PgBouncer in transaction mode refuses the startup option that turns JIT off (checked
    against PgBouncer 1.18: "unsupported startup parameter: options"), and lends a server
    session per transaction, which a server-side cursor would outlive."""
    url = "postgres://highlight@127.0.0.1:6432/highlight"
    direct = read_settings(monkeypatch, **PRODUCTION, DATABASE_URL=url)["DATABASES"]["default"]
    assert direct["OPTIONS"] == {"options": "-c jit=off"}
    assert not direct.get("DISABLE_SERVER_SIDE_CURSORS")
    pooled = read_settings(
        monkeypatch, **PRODUCTION, DATABASE_URL=url, DATABASE_POOLER="pgbouncer"
    )["DATABASES"]["default"]
    assert "options" not in pooled.get("OPTIONS", {})
    assert pooled["DISABLE_SERVER_SIDE_CURSORS"] is True
    with pytest.raises(ImproperlyConfigured, match="DATABASE_POOLER='pgpool'"):
        read_settings(monkeypatch, **PRODUCTION, DATABASE_URL=url, DATABASE_POOLER="pgpool")


def test_sqlite_takes_its_write_lock_when_a_transaction_begins(monkeypatch, tmp_path):
    """make run's SQLite, tasks in-process: a month's run writes for 20 s or more. Deferred
    transactions that meet it fail at their first write with "database is locked" (the
    second PMO pressing Run it now got a 500); immediate ones wait for the lock."""
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    database = read_settings(monkeypatch, DEBUG="1", DATABASE_URL=url)["DATABASES"]["default"]
    assert database["OPTIONS"] == {"transaction_mode": "IMMEDIATE", "timeout": 30}

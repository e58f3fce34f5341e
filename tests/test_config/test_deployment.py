"""The production shape: docker-compose.yml keeps what the broker holds and runs one beat,
workers are bounded in memory, and PostgreSQL sessions run without JIT."""

import datetime
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from config.celery import app
from tests.conftest import need

COMPOSE = yaml.safe_load((Path(settings.BASE_DIR) / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def test_redis_keeps_its_data_and_never_evicts_a_message():
    command = SERVICES["redis"]["command"]
    assert command[command.index("--appendonly") + 1] == "yes"
    assert command[command.index("--maxmemory-policy") + 1] == "noeviction"
    assert any(volume.endswith(":/data") for volume in SERVICES["redis"]["volumes"])


def test_exactly_one_beat_runs():
    beats = [name for name, service in SERVICES.items()
             if "beat" in (service.get("command") or [])]  # fmt: skip
    assert beats == ["beat"]
    assert SERVICES["beat"]["deploy"]["replicas"] == 1


def test_the_sweep_runs_every_minute():
    sweep = settings.CELERY_BEAT_SCHEDULE["requeue-stalled-documents"]
    assert sweep["task"] == "reports.tasks.requeue_stalled_documents"
    assert datetime.timedelta(seconds=sweep["schedule"]) <= datetime.timedelta(minutes=1)


def test_workers_are_bounded_in_memory():
    assert app.conf.worker_max_memory_per_child == settings.CELERY_WORKER_MAX_MEMORY_PER_CHILD
    assert 100_000 <= settings.CELERY_WORKER_MAX_MEMORY_PER_CHILD <= 2_000_000  # KiB


def test_postgresql_sessions_run_without_jit(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("JIT is a PostgreSQL setting; this run uses " + connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"


def test_task_names_survive_a_deploy():
    # Messages queued by the previous release name their task; a worker of this release
    # must still know every one of them (a rolling deploy runs both at once).
    app.loader.import_default_modules()
    for name in (
        "reports.tasks.render_document",
        "reports.tasks.requeue_stalled_documents",
        "reports.tasks.monthly_reporting_run",
        "projects.tasks.send_email",
        "projects.tasks.send_report_reminders",
    ):
        assert name in app.tasks, name


def test_only_the_proxy_publishes_a_port():
    """The web service trusts X-Forwarded-Proto (BEHIND_TLS_PROXY): were it reachable
    directly, anyone could forge the header. Only nginx, which writes it, faces the network."""
    published = sorted(name for name, service in SERVICES.items() if service.get("ports"))
    assert published == ["proxy"]
    assert sorted(SERVICES["proxy"]["ports"]) == ["443:443", "80:80"]
    assert SERVICES["web"]["environment"]["BEHIND_TLS_PROXY"] == "1"


def test_the_compose_file_gives_the_proxy_template_every_value_it_reads():
    template = (Path(settings.BASE_DIR) / "deploy/nginx/highlight.conf.template").read_text()
    wanted = set(re.findall(r"\$\{([A-Z_]+)\}", template))
    assert wanted and wanted <= set(SERVICES["proxy"]["environment"])
    assert "./deploy/nginx:/etc/nginx/templates:ro" in SERVICES["proxy"]["volumes"]


def pins(name):
    text = (Path(settings.BASE_DIR) / name).read_text()
    return dict(re.findall(r"^([A-Za-z0-9_.\-]+)==(\S+)", text, re.MULTILINE))


def test_production_installs_production_dependencies_only():
    production, development = pins("requirements.lock"), pins("requirements-dev.lock")
    tools = {"pytest", "pytest-django", "playwright", "ruff", "factory-boy", "pip-audit",
             "bandit", "pypdf", "time-machine"}  # fmt: skip
    assert tools <= set(development) and not tools & set(production)
    assert {"django", "weasyprint", "celery", "gunicorn"} <= set(production)
    # One set of versions: what is tested is what runs.
    assert {name: development[name] for name in production} == production
    dockerfile = (Path(settings.BASE_DIR) / "Dockerfile").read_text()
    assert "pip install --require-hashes -r requirements.lock" in dockerfile
    assert "requirements-dev" not in dockerfile


def test_the_operators_settings_reach_every_app_container(tmp_path):
    """Settings in .env (with HIGHLIGHT_SETTINGS=.env) are handed to web, the workers and
    beat, and SITE_URL points at the proxy over HTTPS: emailed links work."""
    compose = shutil.which("docker-compose")
    need(compose, "docker-compose (v1), to render docker-compose.yml")
    env = tmp_path / ".env"
    env.write_text(
        f"SECRET_KEY={'k' * 60}\nHIGHLIGHT_DOMAIN=highlight.council.example\n"
        f"HIGHLIGHT_SETTINGS={env}\nOIDC_ISSUER=https://login.council.example\n"
    )
    rendered = subprocess.run(
        [compose, "-f", "docker-compose.yml", "--project-directory", ".", "--env-file", str(env),
         "config"], cwd=settings.BASE_DIR, capture_output=True, text=True, check=True,
        timeout=60)  # fmt: skip
    services = yaml.safe_load(rendered.stdout)["services"]
    for name in ("web", "worker", "worker-large", "beat"):
        environment = services[name]["environment"]
        assert environment["OIDC_ISSUER"] == "https://login.council.example", name
        assert environment["SITE_URL"] == "https://highlight.council.example", name
    assert "OIDC_ISSUER" not in (services["proxy"].get("environment") or {})

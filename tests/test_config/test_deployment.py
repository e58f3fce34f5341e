"""The production shape: docker-compose.yml keeps what the broker holds and runs one beat,
workers are bounded in memory, and PostgreSQL sessions run without JIT."""

import datetime
from pathlib import Path

import pytest
import yaml
from django.conf import settings

from config.celery import app

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

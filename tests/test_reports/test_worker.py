"""End to end through a real Celery worker process on Redis, against the test database."""

import time
from pathlib import Path

import pytest
import redis
from django.db import connection

from projects import workflow
from projects.models import RagDimension
from reports.models import Document
from reports.services import request_document
from tests.conftest import need
from tests.factories import ProjectFactory, ReportFactory, UserFactory
from tests.pdf import pdf_text
from tests.workers import REDIS_URL, Worker, redis_available, sending_to, wait_for


@pytest.fixture
def celery_worker(transactional_db, django_db_serialized_rollback, settings, media_root, tmp_path):
    need(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    need(redis_available(), f"Redis at {REDIS_URL}")
    redis.Redis.from_url(REDIS_URL).flushdb()
    worker = Worker(tmp_path / "worker.log")
    try:
        with sending_to(REDIS_URL):
            yield worker.log
    finally:
        worker.stop()


@pytest.mark.worker
def test_worker_renders_a_highlight_report_pdf(celery_worker):
    sponsor = UserFactory(first_name="Joss", last_name="Foster", job_title="Director")
    manager = UserFactory(first_name="Liz", last_name="Sanderson", job_title="Project Lead")
    project = ProjectFactory(
        code="SORPv.9", name="Statements of Required Practice", sponsor=sponsor, manager=manager
    )
    report = ReportFactory(project=project, rated=True)
    workflow.submit(report, manager)
    workflow.approve(report, sponsor)

    document = request_document(
        "highlight_report", {"project": "SORPv.9", "period": report.period_slug}, manager
    )
    document = wait_for(document)

    assert document.status == Document.Status.DONE, f"{document.error}\n{celery_worker.read_text()}"
    content = Path(document.file.path).read_bytes()
    assert content.startswith(b"%PDF-")
    text = pdf_text(content)
    for expected in ("SORPv.9", "Statements of Required Practice", "Joss Foster", "Liz Sanderson"):
        assert expected in text
    for rating in report.ratings.select_related("dimension", "status"):
        assert f"{rating.dimension.name} {rating.status.name}" in text
    assert RagDimension.objects.count() == report.ratings.count() == 4
    assert "Agreed and authorised by the Project Sponsor: Joss Foster, Director" in text


@pytest.mark.worker
def test_worker_renders_a_board_pack_from_its_own_queue(celery_worker, client):
    from django.core.management import call_command

    from projects.models import User

    call_command("seed_demo", allow_live=True, samples_only=True)
    director = User.objects.get(username="director")
    document = request_document("board_pack", {"programme": "", "period": "2011-11"}, director)
    seen = {document.status}
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        document.refresh_from_db()
        seen.add(document.status)
        if document.is_finished:
            break
        time.sleep(0.05)
    assert document.status == Document.Status.DONE, f"{document.error}\n{celery_worker.read_text()}"
    assert "queued" in seen
    assert "pdf-large" in celery_worker.read_text() or document.pages > 5
    client.force_login(director)
    response = client.get(f"/documents/{document.pk}/download/")
    content = b"".join(response.streaming_content)
    assert content.startswith(b"%PDF-") and "Safeguarding Improvement Board" in pdf_text(content)

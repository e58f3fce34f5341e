"""End to end through a real Celery worker process on Redis, against the test database."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection

from projects import workflow
from projects.models import RagDimension, User
from reports.models import Document
from reports.services import request_document
from tests.conftest import need
from tests.factories import ProjectFactory, ReportFactory, UserFactory
from tests.pdf import pdf_text
from tests.workers import (
    QUEUES,
    REDIS_URL,
    Worker,
    own_keys,
    redis_available,
    sending_to,
    wait_for,
)


@pytest.fixture
def start_worker(transactional_db, django_db_serialized_rollback, media_root, tmp_path):
    """Starts workers listening to the queues named; this process sends to them."""
    need(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    need(redis_available(), f"Redis at {REDIS_URL}")
    started = []

    def start(queues=QUEUES):
        log = tmp_path / f"worker-{len(started) + 1}.log"
        started.append(Worker(log, key_prefix=key_prefix, queues=queues))
        return started[-1]

    with own_keys() as key_prefix, sending_to(REDIS_URL, key_prefix):
        try:
            yield start
        finally:
            for worker in started:
                worker.stop()


@pytest.fixture
def celery_worker(start_worker):
    return start_worker().log


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
def test_board_packs_are_made_only_by_the_workers_of_their_own_queue(start_worker, client):
    """Board packs go to "pdf-large", so a big pack never holds up the highlight reports
    on "default": a worker of "default" alone leaves a pack asked for before a report,
    and a worker of "pdf-large" makes it."""
    call_command("seed_demo", allow_live=True, samples_only=True)  # its approvals queue their PDFs
    director = User.objects.get(username="director")
    default = start_worker("default")
    pack = request_document("board_pack", {"programme": "", "period": "2011-11"}, director)
    after_the_pack = ReportFactory(project=ProjectFactory(code="LATE.1"), rated=True)
    report_pdf = request_document(
        "highlight_report", {"project": "LATE.1", "period": after_the_pack.period_slug}, director
    )

    # One message at a time, oldest first: had the pack gone to "default", this worker
    # would have taken it before the report asked for after it.
    assert wait_for(report_pdf, 180).status == Document.Status.DONE, default.output()
    pack.refresh_from_db()
    assert (pack.status, pack.attempts) == (Document.Status.QUEUED, 0), default.output()

    large = start_worker("pdf-large")
    pack = wait_for(pack, 120)
    assert pack.status == Document.Status.DONE, f"{pack.error}\n{large.output()}"
    assert re.search(r"Task reports\.tasks\.render_document\[[-\w]+\] received", large.output())
    client.force_login(director)
    response = client.get(f"/documents/{pack.pk}/download/")
    content = b"".join(response.streaming_content)
    assert content.startswith(b"%PDF-") and "Safeguarding Improvement Board" in pdf_text(content)


@pytest.mark.worker
def test_a_persons_pdf_is_made_before_the_months_run_waiting_ahead_of_it(start_worker):
    """The month's run asks for a thousand documents at once (the soak: a director's
    one-page PDF waited a median 9 minutes behind them). A real worker on Redis takes what a
    person asked for first, and a run's document someone asks for goes to the front too."""
    reports = [ReportFactory(project=ProjectFactory(code=f"RUN.{i}"), rated=True) for i in range(5)]
    params = [{"project": r.project.code, "period": r.period_slug} for r in reports]
    director = UserFactory()
    director.groups.add(Group.objects.get(name="Directors"))
    run = [request_document("highlight_report", p, None) for p in params[:4]]
    mine = request_document("highlight_report", params[4], director)
    hurried = request_document("highlight_report", params[2], director)  # the run's third
    assert hurried == run[2]
    worker = start_worker("default")
    done = [wait_for(d, 180) for d in (*run, mine)]
    assert all(d.status == Document.Status.DONE for d in done), worker.output()
    order = [d.pk for d in sorted(done, key=lambda d: d.finished_at)]
    assert set(order[:2]) == {mine.pk, hurried.pk}, worker.output()
    assert Document.objects.get(pk=hurried.pk).attempts == 1  # two messages, one render

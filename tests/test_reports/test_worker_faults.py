"""Documents survive what goes wrong in production, with real workers on a real Redis:
a worker killed mid-render, Redis down when a PDF is asked for, a render that keeps
failing, a worker process that grows too big. Each test starts its own worker processes
(tests/workers.py); the faults are put in by tests/fault_worker.py."""

import datetime
import hashlib
from pathlib import Path

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from projects import workflow
from projects.models import HighlightReport
from reports import tasks
from reports.models import Document
from reports.services import request_document
from tests.conftest import need
from tests.pdf import pdf_text
from tests.workers import (
    REDIS_URL,
    RedisServer,
    Worker,
    own_keys,
    redis_available,
    sending_to,
    wait_for,
    wait_for_file,
)

pytestmark = pytest.mark.worker


@pytest.fixture
def services(transactional_db, django_db_serialized_rollback):
    """The test's key prefix on the shared Redis (which is never flushed, nor stopped: a
    test that stops Redis starts one of its own, RedisServer)."""
    need(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")
    need(redis_available(), f"Redis at {REDIS_URL}")
    with own_keys() as key_prefix:
        yield key_prefix


@pytest.fixture
def workers(services, tmp_path):
    started = []

    def start(**options):
        log = tmp_path / f"worker-{len(started) + 1}.log"
        worker = Worker(log, key_prefix=services, marks=tmp_path, **options)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def pdf_request(report, user):
    return request_document(
        "highlight_report", {"project": report.project.code, "period": report.period_slug}, user
    )


def files_under(root):
    return sorted(p.relative_to(root).as_posix() for p in Path(root).rglob("*") if p.is_file())


@pytest.mark.parametrize("fault, mark", [("hold-while-rendering", "rendering"),
                                         ("hold-after-writing", "written")])  # fmt: skip
def test_a_worker_killed_mid_render_loses_nothing(
    fault, mark, services, workers, report, alice, media_root, tmp_path
):
    with sending_to(REDIS_URL, services):
        first = workers(fault=fault)
        document = pdf_request(report, alice)
        wait_for_file(tmp_path / mark, worker=first)
        first.kill()
        document.refresh_from_db()
        assert document.status == Document.Status.RUNNING and document.attempts == 1

        second = workers()  # ready (Worker waits for it), with the first one's lease live
        # The message died with the first worker (unacknowledged, it waits out Redis's
        # visibility timeout). The sweep, which beat runs every minute, sends it again once
        # the dead worker's lease has run out; until then it sends nothing.
        assert document.lease_expires > timezone.now()
        assert tasks.requeue_stalled_documents() == 0
        # The lease runs out: moved to the past here rather than waited for (the production
        # lease is minutes), so no timing of the workers' start-up matters.
        Document.objects.filter(pk=document.pk).update(
            lease_expires=timezone.now() - datetime.timedelta(seconds=1)
        )
        assert tasks.requeue_stalled_documents() == 1
        document = wait_for(document)

    assert document.status == Document.Status.DONE, f"{document.error}\n{second.output()}"
    assert document.attempts == 2
    # Exactly one file: whatever the killed attempt wrote (a whole or half PDF) is gone.
    assert files_under(media_root) == [document.file.name]
    content = Path(document.file.path).read_bytes()
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert "Library Refurbishment" in pdf_text(content)


def test_redis_down_when_a_pdf_is_asked_for_then_back(
    services, workers, settings, report, alice, bob, diana, tmp_path
):
    spare = RedisServer(tmp_path).start()
    settings.CACHES = {
        "default": {
            **settings.CACHES["default"],
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": spare.url,
            "OPTIONS": {"IGNORE_EXCEPTIONS": True, "SOCKET_CONNECT_TIMEOUT": 1},
        }
    }
    workflow.submit(report, alice)
    mail.outbox.clear()  # the submission's email to the sponsor
    sponsor, director = Client(), Client()
    sponsor.force_login(bob)
    director.force_login(diana)
    try:
        with sending_to(spare.url, services):
            cache.set("probe", 1)
            assert cache.get("probe") == 1  # the cache is on this Redis
            spare.stop()

            # The sponsor approves: the approval stands, and its PDF waits, saying why.
            approval = sponsor.post(
                reverse("projects:report-approve", args=[report.project.code,
                                                         report.period_slug]),
                {"version": HighlightReport.objects.get(pk=report.pk).version},
                follow=True,
            )  # fmt: skip
            assert approval.status_code == 200
            assert "Report approved" in approval.content.decode()
            report.refresh_from_db()
            assert report.status == HighlightReport.Status.APPROVED
            # Its email could not be queued either, so it was sent from the request.
            assert [m.to for m in mail.outbox] == [[alice.email]]
            assert "approved" in mail.outbox[0].subject
            # A director asks for the board pack: told plainly, nothing lost.
            asked = director.post(
                reverse("reports:document-list"),
                {"kind": "board_pack", "period": report.period_slug, "programme": ""},
                follow=True,
            )
            page = asked.content.decode()
            assert "requested. The document service could not be reached" in page
            assert "it will be made when the service is back" in page
            waiting = list(Document.objects.order_by("pk"))
            assert [d.kind for d in waiting] == ["highlight_report", "board_pack"]
            assert all(d.status == "queued" and d.unsent_since for d in waiting)
            # Pages that read the cache still work, from the database.
            assert director.get(reverse("projects:dashboard")).status_code == 200
            # While Redis is down, the sweep cannot send them either, and says so by sending 0.
            assert tasks.requeue_stalled_documents() == 0

            spare.start()
            assert tasks.requeue_stalled_documents() == 2  # beat's next run, Redis back
            assert tasks.requeue_stalled_documents() == 0  # sent once, not again
            assert not Document.objects.filter(unsent_since__isnull=False).exists()
            worker = workers(broker=spare.url)
            done = [wait_for(d, 120) for d in waiting]
    finally:
        spare.stop()

    assert [d.status for d in done] == ["done", "done"], worker.output()
    assert "Library Refurbishment" in pdf_text(Path(done[0].file.path).read_bytes())


def test_a_render_that_keeps_failing_ends_failed_after_bounded_retries(
    services, workers, report, alice, bob, tmp_path
):
    with sending_to(REDIS_URL, services):
        worker = workers(fault="database-down", DOCUMENT_RETRY_SECONDS=1)
        document = pdf_request(report, alice)
        document = wait_for(document, 90)

    assert document.status == Document.Status.FAILED, worker.output()
    assert document.attempts == tasks.MAX_ATTEMPTS
    assert document.error == (
        f"Gave up after {tasks.MAX_ATTEMPTS} attempts: server closed the connection unexpectedly"
    )
    tried = sorted((tmp_path / f"attempt-{n}").stat().st_mtime for n in range(1, 6))
    gaps = [later - earlier for earlier, later in zip(tried, tried[1:], strict=False)]
    # Backing off: 1, 2, 4 and 8 seconds between attempts (less a little for clocks).
    assert all(gap >= wait - 0.5 for gap, wait in zip(gaps, (1, 2, 4, 8), strict=True)), gaps
    # The person who asked sees why on the document's page.
    client = Client()
    client.force_login(alice)
    page = client.get(document.get_absolute_url()).content.decode()
    assert "The PDF could not be made: Gave up after 5 attempts" in page


def test_a_worker_process_past_its_memory_bound_is_replaced(
    services, workers, report, alice, bob, tmp_path
):
    with sending_to(REDIS_URL, services):
        # Any process is past 1 KiB: its pool process is replaced after every render.
        worker = workers(fault="", CELERY_WORKER_MAX_MEMORY_PER_CHILD=1)
        first = wait_for(pdf_request(report, alice))
        workflow.approve(workflow.submit(report, alice), bob)  # new data, a second PDF
        second = wait_for(Document.objects.exclude(pk=first.pk).get())

    assert [first.status, second.status] == ["done", "done"], worker.output()
    renderers = sorted(p.name for p in tmp_path.glob("pid-*"))
    assert len(renderers) == 2, (renderers, worker.output())  # two processes, one each
    assert worker.process.poll() is None  # the worker itself lives on


def test_a_plain_worker_keeps_its_process_between_renders(
    services, workers, report, alice, bob, tmp_path
):
    """The other side of the test above: without the bound, one process renders both."""
    with sending_to(REDIS_URL, services):
        worker = workers(fault="", CELERY_WORKER_MAX_MEMORY_PER_CHILD=10_000_000)
        first = wait_for(pdf_request(report, alice))
        workflow.approve(workflow.submit(report, alice), bob)
        second = wait_for(Document.objects.exclude(pk=first.pk).get())

    assert [first.status, second.status] == ["done", "done"], worker.output()
    assert len(list(tmp_path.glob("pid-*"))) == 1
    # The process froze what it held when it started, and what its first render loaded for
    # good (reports/worker_memory.py): the collector no longer walks them on each render.
    (frozen,) = tmp_path.glob("frozen-*")
    before_first, before_second = map(int, frozen.read_text().split())
    assert 0 < before_first < before_second

"""Rendering is done exactly once and the file always matches the row that describes it."""

import datetime
import hashlib
from pathlib import Path

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.db.utils import OperationalError
from django.utils import timezone

from reports import tasks, worker
from reports.models import Document
from reports.services import request_document
from reports.worker import build_document


def deliver_with_retries(document_id, monkeypatch):
    """Run the task in-process, letting Celery run each retry it asks for, as a worker
    would (tests otherwise propagate the first exception)."""
    monkeypatch.setitem(worker.render_document.app.conf, "task_eager_propagates", False)
    return worker.render_document.apply(args=[document_id]).result


def params(report):
    return {"project": report.project.code, "period": report.period_slug}


def test_a_worker_that_lost_its_lease_leaves_the_winners_file_alone(report, alice, media_root):
    document = request_document("highlight_report", params(report), alice)
    assert worker.claim(document.pk) == 1
    loser = Document.objects.get(pk=document.pk)  # attempt 1, about to be taken over
    Document.objects.filter(pk=document.pk).update(
        lease_expires=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert worker.claim(document.pk) == 1
    winner = Document.objects.get(pk=document.pk)  # attempt 2
    assert build_document(winner) == "done"
    winner.refresh_from_db()
    served = Path(winner.file.path)
    before = served.read_bytes()

    report.summary = "Changed while the first worker was still rendering."
    report.save()
    assert build_document(loser) == "lost lease"

    winner.refresh_from_db()
    assert Path(winner.file.path) == served
    assert served.read_bytes() == before
    assert hashlib.sha256(before).hexdigest() == winner.sha256
    assert [p.name for p in media_root.rglob("*.pdf")] == [served.name]


@pytest.mark.parametrize("winner", ["still rendering", "done"])
@pytest.mark.parametrize(
    "error",
    [
        ValueError("template exploded"),  # recorded as the document's failure
        SoftTimeLimitExceeded(),  # likewise, "took longer than the time limit"
        OperationalError("connection reset"),  # put back in the queue, to be tried again
    ],
    ids=["error", "time limit", "passing fault"],
)
def test_a_worker_that_lost_its_lease_then_fails_leaves_the_document_to_the_winner(
    error, winner, report, alice, monkeypatch, media_root
):
    """The first worker stalls past its lease, a second takes the document over, then the
    first one's render fails: it must neither mark the document failed nor queue it again,
    whether the second is still rendering or has finished."""
    document = request_document("highlight_report", params(report), alice)
    render = worker.render_pdf

    def stall_then_fail(*args, **kwargs):
        if Document.objects.get(pk=document.pk).attempts > 1:
            return render(*args, **kwargs)  # the second worker's render
        Document.objects.filter(pk=document.pk).update(
            lease_expires=timezone.now() - datetime.timedelta(seconds=1)
        )
        assert worker.claim(document.pk) == 1  # the second worker's claim: attempt 2
        if winner == "done":
            assert build_document(Document.objects.get(pk=document.pk)) == "done"
        raise error

    monkeypatch.setattr("reports.worker.render_pdf", stall_then_fail)
    deliver_with_retries(document.pk, monkeypatch)

    document.refresh_from_db()
    assert document.attempts == 2 and document.error == ""
    if winner == "still rendering":
        assert document.status == Document.Status.RUNNING
        assert document.lease_expires > timezone.now()  # the second worker's lease stands
        assert build_document(document) == "done"  # and it finishes
        document.refresh_from_db()
    assert document.status == Document.Status.DONE
    assert Path(document.file.path).read_bytes().startswith(b"%PDF-")


def test_fingerprint_describes_the_data_actually_rendered(report, alice):
    document = request_document("highlight_report", params(report), alice)
    requested_fingerprint = document.fingerprint
    report.summary = "Edited between the request and the render."
    report.save()
    assert worker.render_document.delay(document.pk).get() == "done"
    document.refresh_from_db()
    assert document.fingerprint != requested_fingerprint
    again = request_document("highlight_report", params(report), alice)
    assert again.pk == document.pk  # the rendered data's document is found for that data


def test_a_document_that_keeps_killing_workers_is_given_up(report, alice):
    document = request_document("highlight_report", params(report), alice)
    expired = timezone.now() - datetime.timedelta(seconds=1)
    Document.objects.filter(pk=document.pk).update(
        status=Document.Status.RUNNING, attempts=worker.MAX_ATTEMPTS, lease_expires=expired
    )
    assert worker.claim(document.pk) == 0
    assert tasks.requeue_stalled_documents.delay().get() == 0
    document.refresh_from_db()
    assert document.status == Document.Status.FAILED
    assert "Gave up after 5 attempts" in document.error


def test_transient_errors_are_retried_then_given_up(report, alice, monkeypatch):
    document = request_document("highlight_report", params(report), alice)
    calls = []

    def database_down(*args, **kwargs):
        calls.append(1)
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr("reports.worker.render_pdf", database_down)
    assert deliver_with_retries(document.pk, monkeypatch) == "failed"
    document.refresh_from_db()
    assert len(calls) == worker.MAX_ATTEMPTS
    assert document.status == Document.Status.FAILED
    assert document.attempts == worker.MAX_ATTEMPTS
    assert "Gave up after 5 attempts: server closed the connection" in document.error


def test_a_transient_error_then_success_renders_once(report, alice, monkeypatch, media_root):

    document = request_document("highlight_report", params(report), alice)
    real = worker.render_pdf
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("connection reset")
        return real(*args, **kwargs)

    monkeypatch.setattr("reports.worker.render_pdf", flaky)
    assert deliver_with_retries(document.pk, monkeypatch) == "done"
    document.refresh_from_db()
    assert document.status == Document.Status.DONE and document.attempts == 2
    assert len(list(media_root.rglob("*.pdf"))) == 1

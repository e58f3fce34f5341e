"""Rendering documents on Celery workers, exactly once whatever the broker does.

A message may arrive twice (a retry, or Redis redelivering after a worker died). The task
claims its document with one conditional UPDATE that only a single worker can win: a
queued document, or a running one whose lease has expired because its worker is gone.
A document that keeps killing its worker is given up after MAX_ATTEMPTS claims.
"""

import datetime
import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError
from django.db.models import F, Q
from django.utils import timezone

from . import services
from .kinds import SourceMissing
from .models import Document

logger = logging.getLogger(__name__)

# Worth trying again: the database or the file system hiccupped, not the document.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, OSError)
MAX_ATTEMPTS = 5


def claimable(now):
    return Q(status=Document.Status.QUEUED) | Q(
        status=Document.Status.RUNNING, lease_expires__lt=now
    )


def claim(document_id):
    now = timezone.now()
    return Document.objects.filter(
        claimable(now), pk=document_id, attempts__lt=MAX_ATTEMPTS
    ).update(
        status=Document.Status.RUNNING,
        lease_expires=now + datetime.timedelta(seconds=settings.DOCUMENT_LEASE_SECONDS),
        attempts=F("attempts") + 1,
        started_at=now,
        unsent_since=None,
    )


def _finish_with(document, **fields):
    Document.objects.filter(
        pk=document.pk, status=Document.Status.RUNNING, attempts=document.attempts
    ).update(lease_expires=None, **fields)


def _fail(document, message):
    _finish_with(
        document, status=Document.Status.FAILED, error=message[:2000], finished_at=timezone.now()
    )


@shared_task(bind=True, acks_late=True, reject_on_worker_lost=True, max_retries=MAX_ATTEMPTS)
def render_document(self, document_id):
    if not claim(document_id):
        return "not claimed"  # done already, another worker holds a live lease, or given up
    document = Document.objects.get(pk=document_id)
    try:
        outcome = services.build_document(document)
    except TRANSIENT_ERRORS as exc:
        if document.attempts >= MAX_ATTEMPTS:
            _fail(document, f"Gave up after {document.attempts} attempts: {exc}")
            return "failed"
        try:
            _finish_with(document, status=Document.Status.QUEUED)
        except DatabaseError:
            logger.warning("Could not requeue document %s; its lease will expire", document_id)
        countdown = min(300, settings.DOCUMENT_RETRY_SECONDS * 2 ** (document.attempts - 1))
        raise self.retry(exc=exc, countdown=countdown) from exc
    except SoftTimeLimitExceeded:
        _fail(document, "Rendering took longer than the time limit.")
        return "failed"
    except SourceMissing as exc:
        _fail(document, str(exc))
        return "failed"
    except Exception as exc:
        logger.exception("Rendering document %s failed", document_id)
        _fail(document, f"{type(exc).__name__}: {exc}")
        return "failed"
    if outcome == "superseded":
        _fail(document, "The data changed while this PDF was made; ask for the PDF again.")
    if outcome == "done":
        from .runs import notify_if_ready

        for run_id in document.runs.values_list("pk", flat=True):
            notify_if_ready(run_id)
    return outcome


@shared_task
def requeue_stalled_documents(queued_for_minutes=10):
    """Send again the documents whose message was lost (queued for long) or whose worker
    died (running with an expired lease), and fail those that have used up their attempts.
    A duplicate message is harmless: the claim lets only one of them render."""
    now = timezone.now()
    stalled = Document.objects.filter(
        Q(
            status=Document.Status.QUEUED,
            requested_at__lt=now - datetime.timedelta(minutes=queued_for_minutes),
        )
        | Q(status=Document.Status.QUEUED, unsent_since__isnull=False)
        | Q(status=Document.Status.RUNNING, lease_expires__lt=now)
    )
    stalled.filter(attempts__gte=MAX_ATTEMPTS).update(
        status=Document.Status.FAILED,
        error=f"Gave up after {MAX_ATTEMPTS} attempts: the worker stopped each time.",
        finished_at=now,
        lease_expires=None,
    )
    sent = []
    for document_id, kind in stalled.filter(attempts__lt=MAX_ATTEMPTS).values_list("pk", "kind"):
        if services.enqueue(document_id, kind):
            sent.append(document_id)
    Document.objects.filter(pk__in=sent, unsent_since__isnull=False).update(unsent_since=None)
    return len(sent)


@shared_task
def monthly_reporting_run(force=False):
    """Daily: on the configured day of the month, run last month's documents."""
    from .boardpacks import previous_month
    from .runs import run_month, settings_for_run

    config = settings_for_run()
    today = timezone.localdate()
    if not force and (not config.enabled or today.day != config.day_of_month):
        return "not today"
    run = run_month(previous_month(today), config)
    return f"{run.documents.count()} documents for {run.period:%B %Y}"

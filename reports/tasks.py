"""The scheduled jobs (beat): the sweep that resends stalled documents, and the monthly
reporting run. Rendering itself is `reports.worker.render_document`."""

import datetime

from celery import shared_task
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from projects.periods import previous_month

from . import services
from .models import Document, MonthlyRun
from .runs import run_month
from .worker import MAX_ATTEMPTS


@shared_task
def requeue_stalled_documents(queued_for_minutes=10):
    """Send again the documents whose message was lost (queued for long) or whose worker
    died (running with an expired lease), and fail those that have used up their attempts.
    A duplicate message is harmless: the claim lets only one of them render."""
    now = timezone.now()
    # Sent long ago and still queued: its message may be lost, or it may only be waiting its
    # turn behind a month's run; either way one more message a while is enough.
    stalled = Document.objects.alias(last_sent=Coalesce("sent_at", "requested_at")).filter(
        Q(
            status=Document.Status.QUEUED,
            last_sent__lt=now - datetime.timedelta(minutes=queued_for_minutes),
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
    # The run's documents wait behind people's again, unless a person has asked for one.
    people = Document.requesters.through.objects.filter(document_id=OuterRef("pk"))
    waiting = (
        stalled.filter(attempts__lt=MAX_ATTEMPTS)
        # Its worker died: sent again once after the lease ran out, not every minute.
        .exclude(status=Document.Status.RUNNING, last_sent__gte=F("lease_expires"))
        .annotate(wanted=Exists(people))
    )
    for document_id, kind, wanted in waiting.values_list("pk", "kind", "wanted"):
        if services.enqueue(document_id, kind, background=not wanted):
            sent.append(document_id)
    Document.objects.filter(pk__in=sent, unsent_since__isnull=False).update(unsent_since=None)
    return len(sent)


@shared_task
def monthly_reporting_run(force=False, period=None):
    """Daily: on the configured day of the month, run last month's documents. The PMO's
    "Run it now" (the Documents page) forces it, for a month it names (`period`, ISO)."""
    config = MonthlyRun.current()
    today = timezone.localdate()
    if not force and (not config.enabled or today.day != config.day_of_month):
        return "not today"
    month = datetime.date.fromisoformat(period) if period else previous_month(today)
    run = run_month(month, config)
    return f"{run.documents.count()} documents for {run.period:%B %Y}"

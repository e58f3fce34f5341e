"""What a worker does with a document: claim it, render it, store it, exactly once
whatever the broker does.

A message may arrive twice (a retry, or Redis redelivering after a worker died). The task
claims its document with one conditional UPDATE that only a single worker can win: a
queued document, or a running one whose lease has expired because its worker is gone.
A document that keeps killing its worker is given up after MAX_ATTEMPTS claims.

The worker gathers its data from the database, not from whoever asked: a document prints
what the records say when it is rendered, and its fingerprint is taken from exactly that
data, so the stored PDF and its fingerprint always agree (a change made between the request
and the render is printed, and a request for the new data then finds this document).
"""

import dataclasses
import datetime
import hashlib
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError, IntegrityError, InterfaceError, OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone

from .kinds import SourceMissing, get_kind
from .models import Document
from .notices import notify_if_ready
from .rendering import TooLongToPrint, render_pdf

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


# Named as before it moved here from reports.tasks: messages queued by an older release
# (or sent by one during a rolling deploy) still find it.
@shared_task(
    name="reports.tasks.render_document",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=MAX_ATTEMPTS,
)
def render_document(self, document_id):
    if not claim(document_id):
        return "not claimed"  # done already, another worker holds a live lease, or given up
    document = Document.objects.get(pk=document_id)
    try:
        outcome = build_document(document)
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
    except (SourceMissing, TooLongToPrint) as exc:
        _fail(document, str(exc))
        return "failed"
    except Exception as exc:
        logger.exception("Rendering document %s failed", document_id)
        _fail(document, f"{type(exc).__name__}: {exc}")
        return "failed"
    if outcome == "superseded":
        _fail(document, "The data changed while this PDF was made; ask for the PDF again.")
    if outcome == "done":
        for run_id in document.runs.values_list("pk", flat=True):
            notify_if_ready(run_id)
    return outcome


def render_source(kind, source, params=None, progress=None):
    """Render a source to PDF now; returns (RenderedPdf, fingerprint, seconds)."""
    spec = get_kind(kind)
    data = spec.printable(source, params, progress=progress)
    started = time.perf_counter()
    # The date printed on a document is not part of its data: a run on a later day must
    # not re-render what has not changed.
    context = {**data, "generated": timezone.localdate().strftime("%d/%m/%Y")}
    pdf = render_pdf(
        spec.template(data),
        context,
        max_pages=spec.max_pages,
        what=spec.label.lower(),
        **spec.pdf_options,
    )
    pdf = dataclasses.replace(pdf, marking=data["letterhead"]["marking"])
    return pdf, spec.fingerprint(data), time.perf_counter() - started


def build_file(kind, params, out_path):
    """Render synchronously to a file (the build_document command). Returns the PDF."""
    spec = get_kind(kind)
    source = spec.resolve(params)
    pdf, _, seconds = render_source(kind, source, spec.params_for(source, params))
    write_atomically(Path(out_path), pdf.content)
    return pdf, seconds


def write_atomically(path, content):
    """Write through a temporary file and rename, so a reader never sees half a PDF and a
    second run of the same job replaces the file instead of adding another."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".pdf")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def build_document(document):
    """Render a claimed document and store it; returns "done", "lost lease" or "superseded".

    Each attempt writes its own file, and only the holder of the current claim (its attempt
    number) may mark the document done: a worker whose lease was taken over deletes its
    file instead, so it can neither overwrite the winner's PDF nor leave a stray one.
    """
    spec = get_kind(document.kind)
    source = spec.resolve(document.params)
    if document.source_id is not None and source.pk != document.source_id:
        # Access was checked against the source recorded at the request: never print
        # anything else under its name.
        raise SourceMissing(f"{document.params} no longer names what this document was for.")

    def progress(done, total):
        # Sections gathered so far, shown on the documents page while a long pack renders.
        Document.objects.filter(pk=document.pk, attempts=document.attempts).update(
            progress_done=done, progress_total=total
        )

    pdf, rendered_fingerprint, seconds = render_source(
        document.kind, source, document.params, progress=progress
    )
    name = spec.filename(source, document.params)
    relative = f"documents/{document.pk}/{document.attempts}/{name}"
    path = Path(settings.MEDIA_ROOT) / relative
    write_atomically(path, pdf.content)
    try:
        with transaction.atomic():
            won = Document.objects.filter(
                pk=document.pk, status=Document.Status.RUNNING, attempts=document.attempts
            ).update(
                status=Document.Status.DONE,
                fingerprint=rendered_fingerprint,
                file=relative,
                pages=pdf.pages,
                marking=pdf.marking,
                bytes=len(pdf.content),
                sha256=hashlib.sha256(pdf.content).hexdigest(),
                error="",
                finished_at=timezone.now(),
                render_seconds=round(seconds, 3),
                lease_expires=None,
            )
    except IntegrityError:
        # The data changed after the request, and a document of the new data exists.
        path.unlink(missing_ok=True)
        return "superseded"
    if not won:
        path.unlink(missing_ok=True)
        return "lost lease"
    remove_other_attempts(path.parent)
    return "done"


def remove_other_attempts(attempt_dir):
    """What earlier attempts left: a worker killed between writing its PDF (or half of it)
    and recording it cannot clean up after itself, so the attempt that won does."""
    for other in attempt_dir.parent.iterdir():
        if other != attempt_dir and other.is_dir():
            logger.info("Removing %s, left by an attempt that did not finish", other)
            shutil.rmtree(other, ignore_errors=True)

"""How the rest of Highlight asks for documents (DESIGN.md's contract).

    request_document(kind, params, requested_by) -> Document

returns the live document for the same kind, params and data when there is one (queued,
running or done), and otherwise records a new one and queues its rendering once the
transaction commits, so a worker never looks for a row that is not there yet.
"""

import hashlib
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from . import kinds
from .models import Document, params_key
from .rendering import render_pdf

logger = logging.getLogger(__name__)


def request_document(kind, params, requested_by):
    spec = kinds.get_kind(kind)
    source = spec.resolve(params)
    params = spec.params_for(source, params)
    if requested_by is not None and not spec.can_read(requested_by, source, params):
        raise PermissionDenied
    fingerprint = kinds.fingerprint(spec.gather(source, params))
    live = Document.objects.filter(
        kind=kind,
        params_key=params_key(params),
        fingerprint=fingerprint,
        status__in=Document.ACTIVE,
    )
    existing = live.first()
    if existing:
        if requested_by is not None:
            existing.requesters.add(requested_by)  # it shows in their list too
        return existing
    try:
        with transaction.atomic():
            document = Document.objects.create(
                kind=kind,
                params=params,
                title=spec.title(source, params),
                # A portfolio pack has no single model behind it.
                source_type=(
                    ContentType.objects.get_for_model(source)
                    if isinstance(source, models.Model)
                    else None
                ),
                source_id=source.pk,
                fingerprint=fingerprint,
                requested_by=requested_by,
            )
    except IntegrityError:
        # Someone asked for the same document a moment ago: share theirs, or, if it has
        # failed meanwhile, start afresh.
        return live.first() or request_document(kind, params, requested_by)
    if requested_by is not None:
        document.requesters.add(requested_by)
    transaction.on_commit(lambda: enqueue(document.pk, kind))
    return document


# Board packs take a while: they have a queue (and workers) of their own, so a monthly run
# never holds up someone waiting for a one-page report.
LARGE = {"board_pack"}


def queue_for(kind):
    return "pdf-large" if kind in LARGE else "default"


def enqueue(document_id, kind=None):
    """Hand the render to a worker; True if the broker took it."""
    from .tasks import render_document

    try:
        render_document.apply_async(args=[document_id], queue=queue_for(kind))
    except Exception:
        # The document stays queued and says so; the periodic sweep sends it again once
        # the broker is back. The user sees why it waits rather than an error page.
        logger.exception("Could not queue document %s; the sweep will resend it", document_id)
        Document.objects.filter(pk=document_id, unsent_since__isnull=True).update(
            unsent_since=timezone.now()
        )
        return False
    return True


def freeze_approved_report(report, approver):
    """Keep what an approved report prints as it stands at approval, and queue its PDF,
    rendered once from that. Call inside the approval's transaction."""
    spec = kinds.get_kind("highlight_report")
    report.approved_snapshot = spec.gather_live(report)
    # An update, not save(): the snapshot is not a change anyone made, so no history row.
    type(report).objects.filter(pk=report.pk).update(approved_snapshot=report.approved_snapshot)
    return request_document(spec.kind, spec.params_for(report), approver)


def report_contents(report):
    """What a highlight report says, as its PDF prints it: the frozen snapshot once approved,
    the live data before. Its page shows the same."""
    return kinds.get_kind("highlight_report").gather(report)


def approved_document(report):
    """The approved report's PDF: the document rendered from its frozen snapshot."""
    if not report.approved_snapshot:
        return None
    return (
        Document.objects.filter(
            kind="highlight_report",
            source_type=ContentType.objects.get_for_model(report),
            source_id=report.pk,
            fingerprint=kinds.fingerprint(report.approved_snapshot),
        )
        .exclude(status=Document.Status.FAILED)
        .first()
    )


def latest_document_for(source, user=None):
    """The newest document of a source (that the user may read, when one is given)."""
    documents = Document.objects.filter(
        source_type=ContentType.objects.get_for_model(source), source_id=source.pk
    ).exclude(status=Document.Status.FAILED)
    if user is None:
        return documents.first()
    from .access import can_read

    for document in documents[:10]:
        document.source = source
        if can_read(user, document):
            return document
    return None


def render_source(kind, source, params=None, progress=None):
    """Render a source to PDF now; returns (RenderedPdf, fingerprint, seconds)."""
    spec = kinds.get_kind(kind)
    if progress is not None and kind == "board_pack":
        data = spec.gather(source, params, progress=progress)
    else:
        data = spec.gather(source, params)
    started = time.perf_counter()
    # The date printed on a document is not part of its data: a run on a later day must
    # not re-render what has not changed.
    context = {**data, "generated": timezone.localdate().strftime("%d/%m/%Y")}
    pdf = render_pdf(spec.template(data), context, **getattr(spec, "pdf_options", {}))
    return pdf, kinds.fingerprint(data), time.perf_counter() - started


def build_file(kind, params, out_path):
    """Render synchronously to a file (the build_document command). Returns the PDF."""
    spec = kinds.get_kind(kind)
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
    file instead, so it can neither overwrite the winner's PDF nor leave a stray one. The
    fingerprint is taken from the data actually rendered, so it always describes the file.
    """
    spec = kinds.get_kind(document.kind)
    source = spec.resolve(document.params)

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

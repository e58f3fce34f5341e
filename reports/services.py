"""How the rest of Highlight asks for documents (DESIGN.md's contract).

    request_document(kind, params, requested_by, source=None) -> Document

returns the live document for the same kind, params and data when there is one (queued,
running or done), and otherwise records a new one and queues its rendering once the
transaction commits, so a worker never looks for a row that is not there yet. A caller that
already holds the object to print passes it as ``source`` rather than having it looked up
again by its natural keys.

Nothing here knows one kind from another: each kind (``reports/kinds/``) says how to find,
gather, print and guard its documents.
"""

import logging

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from .access import can_read
from .kinds import SourceMissing, get_kind
from .models import Document, params_key
from .worker import build_file, render_document, render_source

__all__ = [
    "SourceMissing",
    "approved_copy",
    "build_file",
    "freeze_approved_report",
    "render_source",
    "report_contents",
    "request_document",
    "shown_document",
]

logger = logging.getLogger(__name__)
# The soak's finding: a director's one-page PDF asked for during the month's run waited a
# median 9 minutes behind the run's thousand registers and reports on the same queue.
PEOPLE_PRIORITY, BACKGROUND_PRIORITY = 0, 9


def request_document(kind, params=None, requested_by=None, source=None):
    """The document of `kind` for `params` (or for `source`), asking a worker to make it if
    no live one prints the same data. Raises SourceMissing, or, when `requested_by` may not
    read what it would print, the kind's refusal: SourceMissing worded as for a source that
    does not exist where the source itself is hidden from them, else PermissionDenied."""
    spec = get_kind(kind)
    asked = params or {}
    if source is None:
        source = spec.resolve(asked)
    params = spec.params_for(source, params)
    if requested_by is not None and not spec.can_read(requested_by, source, params):
        # The words they asked with (a month inside a five-month report, a register's name),
        # so the answer is the one a missing source gets.
        raise spec.refusal(source, {**params, **asked})
    fingerprint = spec.fingerprint(spec.printable(source, params))
    # The approved copy, however it comes to be made (the approval, or a retry after a
    # failed render), is marked as such: it is kept as long as its report.
    approved = spec.approved_fingerprint(source) == fingerprint
    live = Document.objects.filter(
        kind=kind,
        params_key=params_key(params),
        fingerprint=fingerprint,
        status__in=Document.ACTIVE,
    )
    existing = live.first()
    if existing:
        return _share(existing, requested_by, approved)
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
                approved_copy=approved,
            )
    except IntegrityError:
        # Someone asked for the same document a moment ago: share theirs, or, if it has
        # failed meanwhile, start afresh.
        existing = live.first()
        if existing:
            return _share(existing, requested_by, approved)
        return request_document(kind, params, requested_by, source)
    if requested_by is not None:
        document.requesters.add(requested_by)
    background = requested_by is None  # the monthly run's
    transaction.on_commit(lambda: enqueue(document.pk, kind, background))
    return document


def _share(existing, requested_by, approved):
    """A live document of the same data, shared with whoever asks for it now."""
    waiting = existing.status == Document.Status.QUEUED and existing.requested_by_id is None
    if requested_by is not None and waiting:
        # Waiting behind the month's run: someone wants it now, so it goes to the front (the
        # claim lets only one of the two messages render it).
        transaction.on_commit(lambda: enqueue(existing.pk, existing.kind))
    if approved and not existing.approved_copy:
        Document.objects.filter(pk=existing.pk).update(approved_copy=True)
        existing.approved_copy = True
    if requested_by is not None:
        existing.requesters.add(requested_by)  # it shows in their list too
    return existing


def enqueue(document_id, kind, background=False):
    """Hand the render to a worker on its kind's queue; True if the broker took it. What
    people ask for goes before what the monthly run asks for (`background`): on Redis each
    queue is a list per priority, and workers take the first priority's first (0 before 9)."""
    try:
        queue = get_kind(kind).queue
    except SourceMissing:
        queue = "default"  # a kind no longer known: the worker records why it failed
    priority = BACKGROUND_PRIORITY if background else PEOPLE_PRIORITY
    try:
        render_document.apply_async(args=[document_id], queue=queue, priority=priority)
    except Exception:
        # The document stays queued and says so; the periodic sweep sends it again once
        # the broker is back. The user sees why it waits rather than an error page.
        logger.exception("Could not queue document %s; the sweep will resend it", document_id)
        Document.objects.filter(pk=document_id, unsent_since__isnull=True).update(
            unsent_since=timezone.now()
        )
        return False
    Document.objects.filter(pk=document_id).update(sent_at=timezone.now())
    return True


def _documents_of(source):
    return Document.objects.filter(
        source_type=ContentType.objects.get_for_model(source), source_id=source.pk
    ).exclude(status=Document.Status.FAILED)


def approved_copy(kind, source):
    """The document that stands as the source's approved copy (a highlight report's PDF
    rendered from its frozen snapshot), or None."""
    approved = get_kind(kind).approved_fingerprint(source)
    if approved is None:
        return None
    return _documents_of(source).filter(kind=kind, fingerprint=approved).first()


def shown_document(kind, source, user):
    """The document a source's page shows: the copy that stands as approved when there is
    one (and no other), else the newest the user may read."""
    spec = get_kind(kind)
    if spec.approved_fingerprint(source) is not None:
        return approved_copy(kind, source)
    for document in spec.page_documents(_documents_of(source).filter(kind=kind))[:10]:
        document.source = source
        if can_read(user, document):
            return document
    return None


# --- Highlight reports: what approval freezes ----------------------------------------------


def freeze_approved_report(report, approver):
    """Keep what an approved report prints as it stands at approval, and queue its PDF,
    rendered once from that. Call inside the approval's transaction."""
    get_kind("highlight_report").freeze(report)
    return request_document("highlight_report", requested_by=approver, source=report)


def report_contents(report):
    """What a highlight report says, as its PDF prints it: the frozen snapshot once approved,
    the live data before. Its page shows the same."""
    return get_kind("highlight_report").gather(report)

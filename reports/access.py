"""Who may see and download documents: downloads follow the document's source."""

from django.db.models import Q
from django.http import Http404

from projects.access import is_director, is_pmo

from .kinds import SourceMissing, get_kind
from .models import Document


def sees_every_document(user):
    """Directors and the PMO read every document, whoever asked for it."""
    return is_director(user) or is_pmo(user)


def may_run_month(user):
    """Only the PMO starts a monthly run by hand (it renders every document of the month)."""
    return is_pmo(user)


def can_read(user, document):
    """Readers of a source's drafts may read all its documents; anyone else only the one
    made from what was approved (a PDF printed from a draft stays a draft after approval)."""
    if sees_every_document(user):
        return True
    spec = get_kind(document.kind)
    source = document.source
    if source is None:
        if document.source_type_id is not None:
            return False  # its source was deleted
        try:
            source = spec.resolve(document.params)  # a portfolio pack
        except SourceMissing:
            return False
    return spec.can_read_document(user, source, document)


def get_document(user, pk):
    """The document, or 404 for anyone who may not read what it prints."""
    try:
        document = Document.objects.select_related("requested_by").get(pk=pk)
    except Document.DoesNotExist:
        raise Http404("No such document.") from None
    if not can_read(user, document):
        raise Http404("No such document.")
    return document


def visible_documents(user):
    """Directors and the PMO see every document; others see the ones they asked for."""
    documents = Document.objects.select_related("requested_by")
    if sees_every_document(user):
        return documents
    return documents.filter(
        pk__in=Document.objects.filter(Q(requested_by=user) | Q(requesters=user)).values("pk")
    )

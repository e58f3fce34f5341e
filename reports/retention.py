"""Documents on the retention schedule (projects/retention.py): board packs, and the PDFs
that are not a report's approved copy. A report's approved copy is kept as long as its
report, and goes with it: whatever removes a record removes the documents printed from it."""

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from projects import retention
from projects.models import HighlightReport, Project
from projects.retention import Due, expires, latest_start
from projects.retention_rules import SIX_YEARS, under_project
from risks.models import RiskRegister

from .kinds import get_kind
from .models import Document


def under(document, sources):
    """What a legal hold covering the document is placed on: its source and what that sits
    under (a report's project and programme, a register's project, a pack's programme)."""
    source = sources.get((document.source_type_id, document.source_id))
    if isinstance(source, HighlightReport):
        return under_project(source.project)
    if isinstance(source, Project):
        return under_project(source)
    if isinstance(source, RiskRegister):
        return (source, *(under_project(source.project) if source.project_id else ()))
    return (source,) if source is not None else ()


def sources_of(documents):
    """{(content type id, pk): source} for the documents, a query per kind of source."""
    wanted = defaultdict(set)
    for document in documents:
        if document.source_type_id:
            wanted[document.source_type_id].add(document.source_id)
    related = {HighlightReport: ("project__parent",), RiskRegister: ("project__parent",),
               Project: ("parent",)}  # fmt: skip
    found = {}
    for type_id, pks in wanted.items():
        model = ContentType.objects.get_for_id(type_id).model_class()
        if model is None:
            continue
        for source in model.objects.select_related(*related.get(model, ())).filter(pk__in=pks):
            found[(type_id, source.pk)] = source
    return found


def made_on(document):
    return timezone.localdate(document.requested_at)


def documents_due(rule, until, documents):
    documents = list(
        documents.filter(requested_at__date__lte=latest_start(rule, until)).order_by(
            "requested_at", "pk"
        )
    )
    return documents, sources_of(documents)


@retention.records(
    "board_packs", "Board packs", amount=6, unit="years", counted_from="after they were made",
    reason="The papers a board decided on, kept as long as the decisions can be questioned. "
    + SIX_YEARS,
    order=30,
)  # fmt: skip
def board_packs(rule, until):
    documents, sources = documents_due(rule, until, Document.objects.filter(kind="board_pack"))
    for document in documents:
        yield Due(document, f"{document} (made {made_on(document):%-d %b %Y})",
                  expires(rule, made_on(document)), document.get_absolute_url(),
                  under(document, sources))  # fmt: skip


@retention.records(
    "other_documents", "Generated PDFs that are not a report's approved copy", amount=90,
    unit="days", counted_from="after they were made",
    reason="A PDF printed from live data (a draft, a register, a plan) can be printed again "
    "at any time; the approved copy of a report is kept with its report.",
    order=60,
)  # fmt: skip
def other_documents(rule, until):
    documents, sources = documents_due(rule, until, Document.objects.exclude(kind="board_pack"))
    approved = {}
    for document in documents:
        source = sources.get((document.source_type_id, document.source_id))
        if isinstance(source, HighlightReport):
            if source.pk not in approved:
                approved[source.pk] = get_kind("highlight_report").approved_fingerprint(source)
            if document.fingerprint == approved[source.pk]:
                continue  # the approved copy: it stays as long as its report
        yield Due(document, f"{document} (made {made_on(document):%-d %b %Y})",
                  expires(rule, made_on(document)), document.get_absolute_url(),
                  under(document, sources))  # fmt: skip


@retention.removed_with
def documents_of(going):
    """The documents printed from records that go."""
    for model, pks in going.items():
        if model is not Document and pks:
            content_type = ContentType.objects.get_for_model(model)
            yield Document.objects.filter(source_type=content_type, source_id__in=pks)

"""Documents on the retention schedule (projects/retention.py): board packs, and the PDFs
that are not a report's approved copy. A report's approved copy is kept as long as its
report, and goes with it: whatever removes a record removes the documents printed from it."""

from collections import defaultdict

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from projects import retention
from projects.models import HighlightReport, LegalHold, Project
from projects.retention import Due, expires, latest_start
from projects.retention_rules import SIX_YEARS
from risks.models import RiskRegister

from .models import Document


def with_sources(documents):
    """The documents with their sources attached, a query per kind of source."""
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
    for document in documents:
        source = found.get((document.source_type_id, document.source_id))
        if source is not None:
            document.source = source
    return documents


def made_on(document):
    return timezone.localdate(document.requested_at)


def documents_due(rule, until, documents):
    documents = documents.filter(requested_at__date__lte=latest_start(rule, until))
    return with_sources(list(documents.order_by("requested_at", "pk")))


def due(rule, document):
    return Due(document, f"{document} (made {made_on(document):%-d %b %Y})",
               expires(rule, made_on(document)), document.get_absolute_url())  # fmt: skip


@retention.records(
    "board_packs", "Board packs", amount=6, unit="years", counted_from="after they were made",
    reason="The papers a board decided on, kept as long as the decisions can be questioned. "
    + SIX_YEARS,
    order=30,
)  # fmt: skip
def board_packs(rule, until):
    for document in documents_due(rule, until, Document.objects.filter(kind="board_pack")):
        yield due(rule, document)


@retention.records(
    "other_documents", "Generated PDFs that are not a report's approved copy", amount=90,
    unit="days", counted_from="after they were made",
    reason="A PDF printed from live data (a draft, a register, a plan) can be printed again "
    "at any time; the approved copy of a report is kept with its report.",
    order=60,
)  # fmt: skip
def other_documents(rule, until):
    # The copy a report's approval issued stays as long as its report (even if the report
    # has been reopened, or the letterhead has changed since): it goes with the report.
    documents = Document.objects.exclude(kind="board_pack").exclude(approved_copy=True)
    for document in documents_due(rule, until, documents):
        yield due(rule, document)


@retention.sits_under(Document)
def document_parents(document):
    """Its source, and for a board pack every project and register it prints."""
    source = document.source if document.source_type_id else None
    if document.kind != "board_pack":
        return (source,) if source is not None else ()
    if isinstance(source, Project):
        return (source, *source.children.all(), *source.linked_risk_registers.all())
    # The portfolio's pack prints everything: any hold on a project or register keeps it.
    held = LegalHold.objects.filter(
        lifted_at__isnull=True,
        target_type__in=ContentType.objects.get_for_models(Project, RiskRegister).values(),
    )
    return tuple(hold.target for hold in held if hold.target is not None)


@retention.removed_with
def documents_of(going):
    """The documents printed from records that go."""
    for model, pks in going.items():
        if model is not Document and pks:
            content_type = ContentType.objects.get_for_model(model)
            yield Document.objects.filter(source_type=content_type, source_id__in=pks)

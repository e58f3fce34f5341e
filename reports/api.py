"""The read API's highlight reports (issue 21).

A reader gets the reports projects.access.visible_reports gives them: approved ones, and
drafts of projects whose drafts they read. An approved report is given as approved: its
words and its content (RAG, milestones, money, RAID, roll-up) are those frozen at approval,
what its PDF prints, never what its row or the project hold since. A draft is given as it
stands, to those who may read it.
"""

import django_filters
from django.http import FileResponse, Http404
from rest_framework import serializers
from rest_framework.decorators import action

from projects import access, audit
from projects.api import FROM_LABEL, PERIOD_LABEL, TO_LABEL, PeriodFilter
from projects.api_base import PageField, PersonField, ReadOnlyResource
from projects.media import open_media
from projects.models import HighlightReport

from . import access as document_access
from .kinds import get_kind
from .kinds.highlight import WRITTEN
from .models import Document

APPROVED = HighlightReport.Status.APPROVED


def frozen(report):
    """The report's words as approved (its snapshot), or as they stand for a draft."""
    if report.status == APPROVED and report.approved_snapshot:
        return report.approved_snapshot["report"]
    return None


class ReportSerializer(serializers.ModelSerializer):
    project = serializers.CharField(source="project.code")
    project_name = serializers.CharField(source="project.name")
    programme = serializers.CharField(source="project.parent.code", allow_null=True, default=None)
    period = serializers.CharField(source="period_slug")
    submitted_by = PersonField()
    approved_by = serializers.SerializerMethodField()
    status_word = serializers.SerializerMethodField()
    percent_complete = serializers.SerializerMethodField()
    summary = serializers.SerializerMethodField()
    page = PageField()

    class Meta:
        model = HighlightReport
        fields = [
            "id", "project", "project_name", "programme", "period", "period_start",
            "period_end", "report_date", "status", "version", "imported", "submitted_by",
            "submitted_at", "approved_by", "approved_at", "status_word", "percent_complete",
            "summary", "page", "updated_at",
        ]  # fmt: skip
        # Read-only, so no validators: the schema is the same whatever the database.
        read_only_fields = fields

    def written(self, report, name):
        words = frozen(report)
        return words.get(name) if words is not None else getattr(report, name)

    def get_approved_by(self, report) -> str | None:
        words = frozen(report)
        if words is not None and words.get("approved_by"):
            return words["approved_by"]["name"]  # the name printed at approval
        return str(report.approved_by) if report.approved_by else None

    def get_status_word(self, report) -> str:
        return self.written(report, "status_word")

    def get_percent_complete(self, report) -> int | None:
        return self.written(report, "percent_complete")

    def get_summary(self, report) -> str:
        return self.written(report, "summary")


class ReportDetailSerializer(ReportSerializer):
    narrative = serializers.SerializerMethodField()
    content = serializers.SerializerMethodField()

    class Meta(ReportSerializer.Meta):
        fields = [*ReportSerializer.Meta.fields, "narrative", "content"]

    def get_narrative(self, report) -> dict:
        """Each of the report's own words (WRITTEN), as approved for an approved one."""
        return {name: self.written(report, name) for name in WRITTEN}

    def get_content(self, report) -> dict:
        """What the report's PDF prints: its RAG ratings with last period's, deliverables,
        key milestones, money, RAID items, and a programme's roll-up; frozen at approval."""
        data = get_kind("highlight_report").gather(report)
        return {key: data[key] for key in CONTENT if key in data}


CONTENT = (
    "ratings", "workstreams", "deliverables", "concerns", "milestones", "money", "raid", "rollup",
)  # fmt: skip


class ReportFilter(django_filters.FilterSet):
    programme = django_filters.CharFilter(field_name="project__parent__code")
    project = django_filters.CharFilter(field_name="project__code")
    period = PeriodFilter(label=PERIOD_LABEL)
    period_from = django_filters.DateFilter(
        field_name="period_end", lookup_expr="gte", label=FROM_LABEL
    )
    period_to = django_filters.DateFilter(
        field_name="period_start", lookup_expr="lte", label=TO_LABEL
    )
    status = django_filters.ChoiceFilter(choices=HighlightReport.Status.choices)

    class Meta:
        model = HighlightReport
        fields = ["programme", "project", "period", "period_from", "period_to", "status"]


class Reports(ReadOnlyResource):
    """Highlight reports, newest month first within each project."""

    model = HighlightReport
    filterset_class = ReportFilter
    modified_field = "updated_at"

    def get_serializer_class(self):
        return ReportDetailSerializer if self.action == "retrieve" else ReportSerializer

    def rows(self):
        reports = HighlightReport.objects.select_related(
            "project__parent", "submitted_by", "approved_by"
        )
        if self.action == "retrieve":
            reports = reports.select_related(
                "project__sponsor", "project__manager", "project__director", "approved_for"
            )
        return access.visible_reports(self.request.user, reports).order_by(
            "project__code", "-period_start", "pk"
        )


class DocumentSerializer(serializers.ModelSerializer):
    requested_by = PersonField()
    download = serializers.SerializerMethodField(help_text="The PDF, with the same token.")
    page = PageField()

    class Meta:
        model = Document
        fields = [
            "id", "kind", "title", "params", "status", "marking", "pages", "bytes", "sha256",
            "requested_by", "requested_at", "finished_at", "download", "page",
        ]  # fmt: skip
        read_only_fields = fields

    def get_download(self, document) -> str | None:
        if document.status != Document.Status.DONE:
            return None
        url = f"/api/v1/documents/{document.pk}/download/"
        return self.context["request"].build_absolute_uri(url)


class DocumentFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=Document._meta.get_field("kind").choices)
    status = django_filters.ChoiceFilter(choices=Document.Status.choices)

    class Meta:
        model = Document
        fields = ["kind", "status"]


class Documents(ReadOnlyResource):
    """The documents listed on the reader's Documents page (every one for directors and
    the PMO; those they asked for, for anyone else), newest first. One item, and its PDF,
    follow the document's source, as its page and download do."""

    model = Document
    serializer_class = DocumentSerializer
    filterset_class = DocumentFilter
    modified_field = "requested_at"

    def rows(self):
        return document_access.visible_documents(self.request.user).order_by("-requested_at", "-pk")

    def get_object(self):
        pk = self.kwargs["pk"]
        if not pk.isascii() or not pk.isdigit():
            raise Http404("No such document.")  # not a 500 (found by the review)
        return document_access.get_document(self.request.user, int(pk))

    @action(detail=True)
    def download(self, request, pk=None):
        """The document's PDF (as its page's download: audited)."""
        document = self.get_object()
        if document.status != Document.Status.DONE or not document.file:
            raise Http404("This document is not ready.")
        try:
            handle = open_media(document.file.name)
        except FileNotFoundError:
            raise Http404("The file of this document is missing.") from None
        audit.record(
            audit.Kind.DOWNLOAD, request=request._request, actor=request.user, obj=document,
            description=f"{document.filename} (through the API)",
        )  # fmt: skip
        return FileResponse(
            handle, as_attachment=True, filename=document.filename, content_type="application/pdf"
        )


ROUTES = [("reports", Reports, "report"), ("documents", Documents, "document")]

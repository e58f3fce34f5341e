"""The PMO's reading of the audit: /audit/, filtered, and the same events as a workbook."""

import io

import django_filters
from django import forms
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET
from openpyxl import Workbook
from openpyxl.styles import Font

from . import access, audit
from .exports import text
from .models import AuditEvent

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000  # a year of a large council's events; narrow the filters for more


class AuditFilter(django_filters.FilterSet):
    who = django_filters.CharFilter(
        field_name="actor_name", lookup_expr="icontains", label="Person (username)"
    )
    kind = django_filters.ChoiceFilter(choices=AuditEvent.Kind.choices, empty_label="Any kind")
    object = django_filters.CharFilter(
        method="filter_object",
        label="Object",
        widget=forms.TextInput(attrs={"placeholder": "e.g. a project code"}),
    )
    since = django_filters.DateFilter(
        field_name="at", lookup_expr="date__gte", label="From",
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip
    until = django_filters.DateFilter(
        field_name="at", lookup_expr="date__lte", label="To",
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip

    class Meta:
        model = AuditEvent
        fields = []

    def filter_object(self, queryset, name, value):
        return queryset.filter(Q(object_repr__icontains=value) | Q(object_type__iexact=value))


def _filtered(request):
    access.require_pmo(request.user)
    events = AuditFilter(request.GET or None, queryset=AuditEvent.objects.all())
    if not events.is_bound:
        return events, AuditEvent.objects.all()
    return events, (events.qs if events.is_valid() else AuditEvent.objects.none())


@require_GET
def audit_list(request):
    events, selected = _filtered(request)
    page = Paginator(selected, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "projects/audit/list.html",
        {
            "filters": events,
            "page": page,
            "query": query.urlencode(),
            "retention_days": audit.settings.AUDIT_RETENTION_DAYS,
        },
    )


COLUMNS = ("When", "Who", "What", "Outcome", "Object", "Object type", "Object id", "Address",
           "Detail")  # fmt: skip


@require_GET
def audit_export(request):
    events, selected = _filtered(request)
    book = Workbook()
    sheet = book.active
    sheet.title = "Audit"
    sheet.append(COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    count = 0
    for event in selected[:EXPORT_LIMIT].iterator(chunk_size=2000):
        count += 1
        sheet.append([
            timezone.localtime(event.at).replace(tzinfo=None),
            text(event.actor_name),
            event.get_kind_display(),
            event.get_outcome_display(),
            text(event.object_repr),
            event.object_type,
            text(event.object_id),
            event.address or "",
            text(event.description),
        ])  # fmt: skip
    for row in sheet.iter_rows(min_row=2, max_col=1):
        row[0].number_format = "dd/mm/yyyy hh:mm:ss"
    for letter, width in zip("ABCDEFGHI", (20, 18, 24, 10, 40, 22, 10, 16, 70), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    content = io.BytesIO()
    book.save(content)
    audit.record(
        audit.Kind.EXPORT,
        request=request,
        object_repr="Audit",
        object_type="projects.auditevent",
        description=f"{count} event(s); filters: {_described(events)}.",
    )
    response = HttpResponse(
        content.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    stamp = timezone.localtime().strftime("%Y-%m-%d")
    response["Content-Disposition"] = f'attachment; filename="audit-{stamp}.xlsx"'
    return response


def _described(events):
    if not events.is_bound or not events.is_valid():
        return "none"
    chosen = [f"{name} {value}" for name, value in events.form.cleaned_data.items() if value]
    return ", ".join(chosen) or "none"

"""The read API's projects resources (issue 21): programmes, projects and the RAG table.

Any signed-in person reads project pages (DESIGN.md), so every programme and project is
listed; a RAG rating is listed from a report its reader may read (access.visible_reports):
approved ones, and drafts for those who read the project's drafts.
"""

from decimal import Decimal

import django_filters
from django.db.models import F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from . import access, dashboard, finance
from .api_base import ListResource, PageField, PersonField, ReadOnlyResource
from .api_records import pounds
from .models import HighlightReport, Project, RagRating, RagStatus
from .periods import parse_month

APPROVED = HighlightReport.Status.APPROVED


PERIOD_LABEL = "The month a report covers, e.g. 2026-09."
FROM_LABEL = "Reports ending on or after this day, e.g. 2026-04-01."
TO_LABEL = "Reports starting on or before this day, e.g. 2027-03-31."


class PeriodFilter(django_filters.CharFilter):
    """`period=2026-09`: the report covering that month; a year-month only."""

    def __init__(self, *args, start="period_start", end="period_end", **kwargs):
        super().__init__(*args, **kwargs)
        self.start, self.end = start, end

    def filter(self, queryset, value):
        if not value:
            return queryset
        month = month_from(value)
        return queryset.filter(**{f"{self.start}__lte": month, f"{self.end}__gte": month})


def month_from(text, name="period"):
    try:
        return parse_month(text)
    except ValueError:
        raise ValidationError({name: f"{text!r} is not a month: write it 2026-09."}) from None


class ProjectSerializer(serializers.ModelSerializer):
    programme = serializers.CharField(source="parent.code", allow_null=True, default=None)
    programme_name = serializers.CharField(source="parent.name", allow_null=True, default=None)
    sponsor = PersonField()
    manager = PersonField()
    director = PersonField()
    page = PageField()

    class Meta:
        model = Project
        fields = [
            "code", "name", "kind", "status", "programme", "programme_name", "sponsor",
            "manager", "director", "start", "end", "cost_centre", "reporting_cadence",
            "governance_body", "page", "updated_at",
        ]  # fmt: skip
        # Read-only, so no validators: the schema is the same whatever the database.
        read_only_fields = fields


class ProjectFilter(django_filters.FilterSet):
    programme = django_filters.CharFilter(field_name="parent__code", label="Programme code")
    status = django_filters.ChoiceFilter(choices=Project.Status.choices)
    kind = django_filters.ChoiceFilter(choices=Project.Kind.choices)

    class Meta:
        model = Project
        fields = ["programme", "status", "kind"]


class Projects(ReadOnlyResource):
    """Every project and programme, by code."""

    model = Project
    serializer_class = ProjectSerializer
    filterset_class = ProjectFilter
    lookup_field = "code"
    lookup_value_regex = "[^/]+"
    modified_field = "updated_at"

    def rows(self):
        return Project.objects.select_related("parent", "sponsor", "manager", "director").order_by(
            "code"
        )


class Programmes(Projects):
    """The programmes, by code (projects name theirs in `programme`)."""

    def rows(self):
        return super().rows().filter(kind=Project.Kind.PROGRAMME)


def previous_status():
    """A rating's last-period status, as the report page gives it: what the report states
    itself (RagRating.stated_previous), else the same dimension's in the project's previous
    approved report (projects.reporting.previous_ratings)."""
    previous_report = (
        HighlightReport.objects.filter(
            project=OuterRef(OuterRef("report__project")),
            status=APPROVED,
            period_start__lt=OuterRef(OuterRef("report__period_start")),
        )
        .order_by("-period_start")
        .values("pk")[:1]
    )
    before = RagRating.objects.filter(
        report=Subquery(previous_report), dimension=OuterRef("dimension")
    ).values("status__name")[:1]
    return Coalesce(F("stated_previous__name"), Subquery(before))


class RatingSerializer(serializers.Serializer):
    """One line of the RAG table: flat, ready for a chart."""

    project = serializers.CharField(source="report__project__code")
    project_name = serializers.CharField(source="report__project__name")
    programme = serializers.CharField(source="report__project__parent__code", allow_null=True)
    period = serializers.SerializerMethodField(help_text="The report's first month, e.g. 2026-09.")
    period_start = serializers.DateField(source="report__period_start")
    period_end = serializers.DateField(source="report__period_end")
    report_status = serializers.CharField(source="report__status")
    dimension = serializers.CharField(source="dimension__name")
    dimension_order = serializers.IntegerField(source="dimension__order")
    status = serializers.CharField(source="status__name", allow_null=True)
    status_colour = serializers.CharField(source="status__colour", allow_null=True)
    previous_status = serializers.CharField(allow_null=True)
    comment = serializers.CharField()

    def get_period(self, row) -> str:
        return row["report__period_start"].strftime("%Y-%m")


class RatingFilter(django_filters.FilterSet):
    programme = django_filters.CharFilter(field_name="report__project__parent__code")
    project = django_filters.CharFilter(field_name="report__project__code")
    period = PeriodFilter(
        start="report__period_start", end="report__period_end", label=PERIOD_LABEL
    )
    period_from = django_filters.DateFilter(
        field_name="report__period_end", lookup_expr="gte", label=FROM_LABEL
    )
    period_to = django_filters.DateFilter(
        field_name="report__period_start", lookup_expr="lte", label=TO_LABEL
    )
    status = django_filters.ChoiceFilter(
        field_name="report__status", choices=HighlightReport.Status.choices, label="Report status"
    )
    dimension = django_filters.CharFilter(field_name="dimension__name")

    class Meta:
        model = RagRating
        fields = ["programme", "project", "period", "period_from", "period_to", "status"]


class RagRatings(ListResource):
    """Every RAG rating of every report the reader may read, one row each."""

    model = RagRating
    serializer_class = RatingSerializer
    filterset_class = RatingFilter
    modified_field = "report__updated_at"

    def rows(self):
        reports = access.visible_reports(self.request.user, HighlightReport.objects.all())
        return (
            RagRating.objects.filter(report__in=reports.values("pk"))
            .values(
                "pk", "report_id", "report__project__code", "report__project__name",
                "report__project__parent__code", "report__period_start",
                "report__period_end", "report__status", "dimension__name", "dimension__order",
                "status__name", "status__colour", "comment",
            )
            .order_by("report__project__code", "report__period_start", "dimension__order",
                      "dimension__name", "pk")
        )  # fmt: skip

    def complete(self, rows):
        """Last period's status of each row: as an approved report froze it (its snapshot
        says what it printed, whatever was approved or reopened since), else as it stands."""
        rows = list(rows)
        frozen = {}
        approved = HighlightReport.objects.filter(
            pk__in={row["report_id"] for row in rows}, status=APPROVED
        ).exclude(approved_snapshot=None)
        for pk, ratings in approved.values_list("pk", "approved_snapshot__ratings"):
            frozen[pk] = {line["dimension"]: (line["previous"] or {}).get("name")
                          for line in ratings or []}  # fmt: skip
        live_pks = [row["pk"] for row in rows
                    if row["dimension__name"] not in frozen.get(row["report_id"], {})]  # fmt: skip
        live = dict(
            RagRating.objects.filter(pk__in=live_pks)
            .annotate(previous=previous_status())
            .values_list("pk", "previous")
        )
        for row in rows:
            said = frozen.get(row["report_id"], {})
            name = row["dimension__name"]
            row["previous_status"] = said[name] if name in said else live.get(row["pk"])
        return rows


class PositionSerializer(serializers.Serializer):
    """A project's position as at a month, as the dashboard reads it: from its latest
    approved report starting by the month's end."""

    project = serializers.CharField(source="code")
    project_name = serializers.CharField(source="name")
    kind = serializers.CharField()
    programme = serializers.CharField(source="parent.code", default=None, allow_null=True)
    sponsor = PersonField()
    manager = PersonField()
    report_period = serializers.SerializerMethodField(help_text="The approved report read.")
    overall_status = serializers.SerializerMethodField()
    exception = serializers.SerializerMethodField(
        help_text="A status needing a comment (Red, Amber…) or a change since last period."
    )
    key_milestones_slip_days = serializers.IntegerField(source="slip_days", allow_null=True)
    budget = serializers.SerializerMethodField(help_text="The year's budget, in pounds.")
    forecast = serializers.SerializerMethodField(help_text="Its forecast outturn, in pounds.")
    variance = serializers.SerializerMethodField(help_text="Forecast less budget, in pounds.")
    over_budget_percent = serializers.DecimalField(
        source="money_over", max_digits=12, decimal_places=1, allow_null=True,
        coerce_to_string=False,
    )  # fmt: skip

    def get_report_period(self, project) -> str | None:
        return project.current_start.strftime("%Y-%m") if project.current_start else None

    def get_overall_status(self, project) -> str | None:
        return self.context["statuses"].get(project.overall_status)

    def get_exception(self, project) -> bool:
        return project.rank == 2

    def get_budget(self, project) -> Decimal | None:
        return pounds(project.money_budget)

    def get_forecast(self, project) -> Decimal | None:
        return pounds(project.money_forecast)

    def get_variance(self, project) -> Decimal | None:
        variance = finance.variance(project.money_budget, project.money_forecast)
        return pounds(variance.amount) if variance else None


class PositionFilter(django_filters.FilterSet):
    programme = django_filters.CharFilter(field_name="parent__code")

    class Meta:
        model = Project
        fields = ["programme"]


class Positions(ListResource):
    """Every active project's position as at `month` (default: this month), exceptions
    first, as on the dashboard: the portfolio's agreed position, from approved reports."""

    model = Project
    serializer_class = PositionSerializer
    filterset_class = PositionFilter

    def month(self):
        text = self.request.query_params.get("month")
        return month_from(text, "month") if text else timezone.localdate().replace(day=1)

    def get_serializer_context(self):
        statuses = dict(RagStatus.objects.values_list("pk", "name"))
        return {**super().get_serializer_context(), "statuses": statuses}

    def rows(self):
        projects = Project.objects.filter(status=Project.Status.ACTIVE)
        return (
            dashboard.with_position(projects, self.month(), dashboard.overall_dimension())
            .select_related("parent", "sponsor", "manager")
            .order_by("-rank", "-worst", "code")
        )


ROUTES = [
    ("programmes", Programmes, "programme"),
    ("projects", Projects, "project"),
    ("rag-ratings", RagRatings, "rag-rating"),
    ("positions", Positions, "position"),
]

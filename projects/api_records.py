"""The read API's project records (issue 21): milestones, money and RAID items, as the
project's pages show them to anyone signed in, one flat row each, ready for a chart.

These are the project's records as they stand; what an approved report froze of them is in
that report (/api/v1/reports/<id>/, its `content`).
"""

from decimal import Decimal

import django_filters
from django.utils import timezone
from rest_framework import serializers

from . import finance, milestones
from .api_base import ListResource, PersonField
from .models import FinanceLine, Milestone, Organisation, RaidItem
from .models.money import year_label


class ProjectColumns(serializers.Serializer):
    """The columns every record's row starts with: whose it is."""

    project = serializers.CharField(source="project.code")
    project_name = serializers.CharField(source="project.name")
    programme = serializers.CharField(source="project.parent.code", default=None, allow_null=True)


class ProjectFilters(django_filters.FilterSet):
    programme = django_filters.CharFilter(field_name="project__parent__code")
    project = django_filters.CharFilter(field_name="project__code")


def record_rows(model, *related):
    return model.objects.select_related("project__parent", *related)


class MilestoneSerializer(ProjectColumns):
    name = serializers.CharField()
    workstream = serializers.CharField(source="workstream.name", default=None, allow_null=True)
    key = serializers.BooleanField()
    status = serializers.CharField()
    baseline = serializers.DateField(allow_null=True)
    forecast = serializers.DateField(allow_null=True)
    actual = serializers.DateField(allow_null=True)
    slip_working_days = serializers.SerializerMethodField(
        help_text="Actual (else forecast) against baseline, in working days: above 0 is late."
    )
    slip_weeks = serializers.SerializerMethodField()

    def get_slip_working_days(self, milestone) -> int | None:
        slip = milestones.slippage(milestone)
        return slip.working_days if slip else None

    def get_slip_weeks(self, milestone) -> float | None:
        slip = milestones.slippage(milestone)
        return slip.weeks if slip else None


class MilestoneFilter(ProjectFilters):
    status = django_filters.ChoiceFilter(choices=Milestone.Status.choices)
    key = django_filters.BooleanFilter()

    class Meta:
        model = Milestone
        fields = ["programme", "project", "status", "key"]


class Milestones(ListResource):
    """Every project's milestones, with their slippage against the baseline."""

    model = Milestone
    serializer_class = MilestoneSerializer
    filterset_class = MilestoneFilter

    def rows(self):
        return record_rows(Milestone, "workstream").order_by(
            "project__code", "order", "baseline", "pk"
        )


def pounds(pence):
    """Pence as pounds, exactly (a JSON number, a typed cell in CSV and Excel)."""
    return None if pence is None else Decimal(pence) / 100


class MoneySerializer(ProjectColumns):
    year = serializers.IntegerField(help_text="The calendar year the financial year starts in.")
    financial_year = serializers.SerializerMethodField()
    kind = serializers.CharField()
    budget = serializers.SerializerMethodField(help_text="Approved budget, in pounds.")
    spent = serializers.SerializerMethodField(help_text="Spend to date, in pounds.")
    forecast = serializers.SerializerMethodField(help_text="Forecast outturn, in pounds.")
    variance = serializers.SerializerMethodField(
        help_text="Forecast outturn less budget, in pounds: above 0 is an overspend."
    )
    variance_percent = serializers.SerializerMethodField()
    from_finance_system = serializers.DateField(allow_null=True)
    updated_at = serializers.DateTimeField()

    def get_financial_year(self, line) -> str:
        return year_label(line.year, self.context["year_start"])

    def get_budget(self, line) -> Decimal | None:
        return pounds(line.budget)

    def get_spent(self, line) -> Decimal | None:
        return pounds(line.spent)

    def get_forecast(self, line) -> Decimal | None:
        return pounds(line.forecast)

    def get_variance(self, line) -> Decimal | None:
        variance = finance.variance(line.budget, line.forecast)
        return pounds(variance.amount) if variance else None

    def get_variance_percent(self, line) -> Decimal | None:
        variance = finance.variance(line.budget, line.forecast)
        if variance is None or variance.percent is None:
            return None
        return variance.percent.quantize(Decimal("0.1"))


class MoneyFilter(ProjectFilters):
    year = django_filters.NumberFilter()
    kind = django_filters.ChoiceFilter(choices=FinanceLine.Kind.choices)

    class Meta:
        model = FinanceLine
        fields = ["programme", "project", "year", "kind"]


class Money(ListResource):
    """Every project's money by financial year, capital and revenue apart."""

    model = FinanceLine
    serializer_class = MoneySerializer
    filterset_class = MoneyFilter
    modified_field = "updated_at"

    def get_serializer_context(self):
        start = Organisation.current().financial_year_start
        return {**super().get_serializer_context(), "year_start": start}

    def rows(self):
        return record_rows(FinanceLine).order_by("project__code", "year", "kind", "pk")


class RaidSerializer(ProjectColumns):
    ref = serializers.CharField()
    kind = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    owner = PersonField()
    raised_on = serializers.DateField()
    due = serializers.DateField(allow_null=True)
    overdue = serializers.SerializerMethodField()
    priority = serializers.CharField(source="get_priority_display")
    status = serializers.CharField()
    resolution = serializers.CharField()
    for_board = serializers.BooleanField()
    decided_by = serializers.CharField()
    decided_on = serializers.DateField(allow_null=True)
    issue = serializers.SerializerMethodField(help_text="The issue an action deals with.")
    depends_on = serializers.CharField(source="depends_on.code", default=None, allow_null=True)

    def get_overdue(self, item) -> bool:
        return item.is_open and item.due is not None and item.due < self.context["today"]

    def get_issue(self, item) -> str | None:
        return item.issue.ref if item.issue_id else None


class RaidFilter(ProjectFilters):
    kind = django_filters.ChoiceFilter(choices=RaidItem.Kind.choices)
    status = django_filters.ChoiceFilter(choices=RaidItem.Status.choices)

    class Meta:
        model = RaidItem
        fields = ["programme", "project", "kind", "status"]


class RaidItems(ListResource):
    """Every project's issues, actions, decisions, dependencies and assumptions."""

    model = RaidItem
    serializer_class = RaidSerializer
    filterset_class = RaidFilter

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def rows(self):
        return record_rows(RaidItem, "owner", "issue", "depends_on").order_by(
            "project__code", "kind", "number"
        )


ROUTES = [
    ("milestones", Milestones, "milestone"),
    ("money", Money, "money"),
    ("raid-items", RaidItems, "raid-item"),
]

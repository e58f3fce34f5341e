"""The read API's business plans (issue 21): the plans a person may read (published ones;
drafts too for directors and the PMO, businessplan.access), their sections, activities and
quarterly updates. An activity's internal links are never published: only those who read
the internal column get them."""

import django_filters
from rest_framework import serializers

from projects.api_base import ListResource, PageField, PersonField, ReadOnlyResource

from . import access
from .models import Activity, ActivityUpdate, BusinessPlan, Section


class PlanSerializer(serializers.ModelSerializer):
    page = PageField()

    class Meta:
        model = BusinessPlan
        fields = ["year", "title", "organisation", "status", "start", "end", "page"]
        read_only_fields = fields


class Plans(ReadOnlyResource):
    """Business plans, newest year first."""

    model = BusinessPlan
    serializer_class = PlanSerializer
    lookup_field = "year"
    filterset_fields = ["status"]

    def rows(self):
        return access.visible_plans(self.request.user).order_by("-year")


class PlanColumns(serializers.Serializer):
    plan = serializers.CharField(source="section.plan.year")
    section = serializers.CharField(source="section.name")


class SectionSerializer(serializers.Serializer):
    plan = serializers.CharField(source="plan.year")
    name = serializers.CharField()
    slug = serializers.CharField()
    order = serializers.IntegerField()
    page = PageField()


class Sections(ListResource):
    """Each plan's sections (a directorate or team each), in the plan's order."""

    model = Section
    serializer_class = SectionSerializer
    filterset_class = None

    def rows(self):
        plans = access.visible_plans(self.request.user)
        return (
            Section.objects.filter(plan__in=plans.values("pk"))
            .select_related("plan")
            .order_by("-plan__year", "order", "pk")
        )


class ActivitySerializer(PlanColumns):
    ref = serializers.CharField()
    title = serializers.CharField()
    kind = serializers.CharField()
    frequency = serializers.CharField()
    start_date = serializers.DateField(allow_null=True)
    end_date = serializers.DateField(allow_null=True)
    aims = serializers.SerializerMethodField(help_text="The strategic aims' numbers.")
    priority = serializers.CharField()
    owner = serializers.CharField(source="owner.name", default=None, allow_null=True)
    measure = serializers.CharField()
    status = serializers.CharField()
    comment = serializers.CharField()
    internal_links = serializers.SerializerMethodField(
        help_text="Only for those who read the internal column (directors, the PMO)."
    )
    origin = serializers.CharField()
    project = serializers.CharField(source="project.code", default=None, allow_null=True)
    page = PageField()

    def get_aims(self, activity) -> str:
        return ", ".join(str(aim.number) for aim in activity.aims.all())

    def get_internal_links(self, activity) -> str | None:
        return activity.internal_links if self.context["internal"] else None


class PlanFilter(django_filters.FilterSet):
    plan = django_filters.CharFilter(field_name="section__plan__year", label="Plan year")
    section = django_filters.CharFilter(field_name="section__slug")
    status = django_filters.ChoiceFilter(choices=Activity.Status.choices)


class ActivityFilter(PlanFilter):
    project = django_filters.CharFilter(field_name="project__code")

    class Meta:
        model = Activity
        fields = ["plan", "section", "status", "project"]


class Activities(ListResource):
    """Every activity of the plans the reader may read."""

    model = Activity
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilter

    def get_serializer_context(self):
        internal = access.sees_internal(self.request.user)
        return {**super().get_serializer_context(), "internal": internal}

    def rows(self):
        plans = access.visible_plans(self.request.user)
        return (
            Activity.objects.filter(section__plan__in=plans.values("pk"))
            .select_related("section__plan", "owner", "project")
            .prefetch_related("aims")
            .order_by("-section__plan__year", "section__order", "section__pk", "order", "pk")
        )


class UpdateSerializer(serializers.Serializer):
    plan = serializers.CharField(source="activity.section.plan.year")
    section = serializers.CharField(source="activity.section.name")
    activity = serializers.CharField(source="activity.ref")
    quarter = serializers.IntegerField()
    status = serializers.CharField()
    comment = serializers.CharField()
    updated_by = PersonField()
    updated_at = serializers.DateTimeField()


class UpdateFilter(django_filters.FilterSet):
    plan = django_filters.CharFilter(field_name="activity__section__plan__year")
    section = django_filters.CharFilter(field_name="activity__section__slug")
    quarter = django_filters.NumberFilter()

    class Meta:
        model = ActivityUpdate
        fields = ["plan", "section", "quarter"]


class Updates(ListResource):
    """Every quarterly update of those activities, newest first."""

    model = ActivityUpdate
    serializer_class = UpdateSerializer
    filterset_class = UpdateFilter
    modified_field = "updated_at"

    def rows(self):
        plans = access.visible_plans(self.request.user)
        return (
            ActivityUpdate.objects.filter(activity__section__plan__in=plans.values("pk"))
            .select_related("activity__section__plan", "updated_by")
            .order_by("-updated_at", "-pk")
        )


ROUTES = [
    ("business-plans", Plans, "business-plan"),
    ("plan-sections", Sections, "plan-section"),
    ("plan-activities", Activities, "plan-activity"),
    ("plan-activity-updates", Updates, "plan-activity-update"),
]

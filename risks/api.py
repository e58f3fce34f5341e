"""The read API's risk registers and risks (issue 21): the registers a person may read
(risks.access.readable_registers, as for the pages), and their risks with scores and bands
computed from each register's matrix, never typed."""

import django_filters
from rest_framework import serializers

from projects.api_base import ListResource, PageField, PersonField, ReadOnlyResource

from . import access, scoring
from .models import Risk, RiskBand, RiskRegister


class RegisterSerializer(serializers.ModelSerializer):
    project = serializers.CharField(source="project.code", default=None, allow_null=True)
    owner = PersonField()
    matrix = serializers.CharField(source="matrix.name")
    page = PageField()

    class Meta:
        model = RiskRegister
        fields = ["slug", "name", "heading", "project", "owner", "matrix", "as_at", "page"]
        read_only_fields = fields


class RegisterFilter(django_filters.FilterSet):
    project = django_filters.CharFilter(field_name="project__code")

    class Meta:
        model = RiskRegister
        fields = ["project"]


class Registers(ReadOnlyResource):
    """The risk registers the reader may read, by name."""

    model = RiskRegister
    serializer_class = RegisterSerializer
    filterset_class = RegisterFilter
    lookup_field = "slug"

    def rows(self):
        return (
            access.readable_registers(self.request.user)
            .select_related("project", "owner", "matrix")
            .order_by("name")
        )


class RiskSerializer(serializers.Serializer):
    register = serializers.CharField(source="register.slug")
    register_name = serializers.CharField(source="register.name")
    project = serializers.CharField(source="register.project.code", default=None, allow_null=True)
    ref = serializers.CharField()
    title = serializers.CharField()
    category = serializers.CharField(source="category.name", default=None, allow_null=True)
    corporate_priority = serializers.CharField(
        source="corporate_priority.name", default=None, allow_null=True
    )
    owner = serializers.CharField(source="owner_display")
    treatment = serializers.CharField()
    status = serializers.CharField()
    inherent_probability = serializers.IntegerField(allow_null=True)
    inherent_impact = serializers.IntegerField(allow_null=True)
    inherent_score = serializers.SerializerMethodField()
    inherent_band = serializers.SerializerMethodField()
    residual_probability = serializers.IntegerField(allow_null=True)
    residual_impact = serializers.IntegerField(allow_null=True)
    residual_score = serializers.SerializerMethodField()
    residual_band = serializers.SerializerMethodField()
    target_probability = serializers.IntegerField(allow_null=True)
    target_impact = serializers.IntegerField(allow_null=True)
    target_score = serializers.SerializerMethodField()
    target_band = serializers.SerializerMethodField()
    outside_appetite = serializers.SerializerMethodField(
        help_text="Open, and its residual band above what its category tolerates."
    )
    next_review_date = serializers.DateField(allow_null=True)
    page = PageField()

    def assessed(self, risk, kind):
        """The assessment, from the bands read once for the whole list (bands_by_matrix)."""
        matrix = scoring.use_bands(
            risk.register.matrix, self.context["bands"].get(risk.register.matrix_id, [])
        )
        return scoring.assess(
            matrix, getattr(risk, f"{kind}_probability"), getattr(risk, f"{kind}_impact")
        )

    def score(self, risk, kind):
        assessed = self.assessed(risk, kind)
        return assessed.score if assessed else None

    def band(self, risk, kind):
        assessed = self.assessed(risk, kind)
        return assessed.band.name if assessed and assessed.band else None

    def get_inherent_score(self, risk) -> int | None:
        return self.score(risk, "inherent")

    def get_inherent_band(self, risk) -> str | None:
        return self.band(risk, "inherent")

    def get_residual_score(self, risk) -> int | None:
        return self.score(risk, "residual")

    def get_residual_band(self, risk) -> str | None:
        return self.band(risk, "residual")

    def get_target_score(self, risk) -> int | None:
        return self.score(risk, "target")

    def get_target_band(self, risk) -> str | None:
        return self.band(risk, "target")

    def get_outside_appetite(self, risk) -> bool:
        matrix = scoring.use_bands(
            risk.register.matrix, self.context["bands"].get(risk.register.matrix_id, [])
        )
        return scoring.outside_appetite(risk, matrix)


def bands_by_matrix():
    found = {}
    for band in RiskBand.objects.order_by("min_score"):
        found.setdefault(band.matrix_id, []).append(band)
    return found


class RiskFilter(django_filters.FilterSet):
    register = django_filters.CharFilter(field_name="register__slug")
    project = django_filters.CharFilter(field_name="register__project__code")
    programme = django_filters.CharFilter(field_name="register__project__parent__code")
    status = django_filters.ChoiceFilter(choices=Risk.Status.choices)

    class Meta:
        model = Risk
        fields = ["register", "project", "programme", "status"]


class Risks(ListResource):
    """Every risk in the registers the reader may read, with its scores and bands."""

    model = Risk
    serializer_class = RiskSerializer
    filterset_class = RiskFilter

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "bands": bands_by_matrix()}

    def rows(self):
        registers = access.readable_registers(self.request.user)
        return (
            Risk.objects.filter(register__in=registers.values("pk"))
            .select_related(
                "register__project", "register__matrix", "category", "corporate_priority", "owner"
            )
            .order_by("register__name", "ref", "pk")
        )


ROUTES = [
    ("risk-registers", Registers, "risk-register"),
    ("risks", Risks, "risk"),
]

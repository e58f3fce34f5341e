import django_filters
from django import forms

from projects.forms import (
    MARKDOWN_HELP,
    BoundedModelForm,
    GuardedInlineFormSet,
    SeenVersion,
    VersionRequired,
)

from .models import Activity, ActivityUpdate, BusinessPlan, OwnerRole, StrategicAim

FRONT_MATTER = BusinessPlan.FRONT_MATTER


class PlanForm(SeenVersion, BoundedModelForm):
    class Meta:
        model = BusinessPlan
        fields = [
            "organisation",
            "title",
            "year",
            "start",
            "end",
            "status",
            "marking",
            "strapline",
            *FRONT_MATTER,
        ]
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            **{name: forms.Textarea(attrs={"rows": 5}) for name in FRONT_MATTER},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in FRONT_MATTER:
            self.fields[name].help_text = MARKDOWN_HELP


AimFormSet = forms.inlineformset_factory(
    BusinessPlan,
    StrategicAim,
    form=BoundedModelForm,
    formset=GuardedInlineFormSet,
    fields=["number", "text"],
    extra=1,
    can_delete=True,
    widgets={"text": forms.Textarea(attrs={"rows": 2})},
)


class UpdateForm(VersionRequired, BoundedModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = ActivityUpdate
        fields = ["quarter", "status", "comment"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 5})}


class ActivityFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=Activity.Status.choices, empty_label="Any status")
    priority = django_filters.ChoiceFilter(
        choices=Activity.Priority.choices, empty_label="Any priority"
    )
    aim = django_filters.ModelChoiceFilter(
        field_name="aims",
        queryset=StrategicAim.objects.none(),
        empty_label="Any aim",
        label="Strategic aim",
    )
    owner = django_filters.ModelChoiceFilter(
        queryset=OwnerRole.objects.all(), empty_label="Any owner"
    )
    kind = django_filters.ChoiceFilter(
        choices=Activity.Kind.choices, empty_label="Any type", label="Type"
    )
    origin = django_filters.ChoiceFilter(choices=Activity.Origin.choices, empty_label="Any origin")

    class Meta:
        model = Activity
        fields = ["status", "priority", "aim", "owner", "kind", "origin"]

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["aim"].queryset = plan.aims.all()


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Plan workbook (.xlsx)",
        help_text="A sheet per section; each with its header row (No, Activity, Type, …), "
        "the strategic-aim numbers under it, and a row per activity.",
    )

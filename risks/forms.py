import django_filters
from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone

from projects.forms import (
    MARKDOWN_HELP,
    BoundedModelForm,
    BoundedText,
    SeenVersion,
    VersionRequired,
)
from projects.models import RaidItem, User

from . import registers
from .models import Risk, RiskCategory, RiskRegister

SCORE_FIELDS = [
    f"{kind}_{part}"
    for kind in ("inherent", "residual", "target")
    for part in ("probability", "impact")
]


def scale(matrix, part):
    labels = matrix.probability_labels if part == "probability" else matrix.impact_labels
    return [(i, f"{i} {label}") for i, label in enumerate(labels, start=1)]


def score_field(matrix, name, required):
    part = name.rsplit("_", 1)[1]
    choices = scale(matrix, part)
    return forms.TypedChoiceField(
        label=name.replace("_", " ").capitalize(),
        choices=([("", "—")] if not required else []) + choices,
        coerce=int,
        empty_value=None,
        required=required,
    )


class RiskForm(VersionRequired, BoundedModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Risk
        fields = [
            "ref",
            "title",
            "category",
            "corporate_priority",
            "owner",
            "owner_name",
            "portfolio_holder",
            "treatment",
            "status",
            *SCORE_FIELDS,
            "consequences",
            "controls",
            "assurance",
            "actions",
            "treated_by",
            "next_review_date",
        ]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "consequences": forms.Textarea(attrs={"rows": 5}),
            "controls": forms.Textarea(attrs={"rows": 5}),
            "assurance": forms.Textarea(attrs={"rows": 4}),
            "actions": forms.Textarea(attrs={"rows": 5}),
            "next_review_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, register, manage=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.register = register
        self.fields["version"].initial = self.instance.version
        self.fields["version"].required = bool(self.instance.pk)  # a new risk has none yet
        if not manage:
            # A risk owner edits their risk, but who owns it (and so who may read the
            # register) and its ref are for the register's owner and the PMO.
            for name in ("owner", "owner_name", "ref"):
                del self.fields[name]
        for name in SCORE_FIELDS:
            self.fields[name] = score_field(register.matrix, name, not name.startswith("target"))
        if "owner" in self.fields:
            self.fields["owner"].queryset = User.objects.filter(is_active=True)
        # The actions of the register's project's RAID log that treat it (issue 20).
        if register.project_id:
            self.fields["treated_by"].queryset = RaidItem.objects.filter(
                project_id=register.project_id, kind=RaidItem.Kind.ACTION
            ).order_by("number")
            self.fields["treated_by"].widget = forms.CheckboxSelectMultiple()
            self.fields["treated_by"].widget.choices = self.fields["treated_by"].choices
        else:
            del self.fields["treated_by"]
        for name in ("consequences", "controls", "assurance", "actions"):
            self.fields[name].help_text = MARKDOWN_HELP
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean_ref(self):
        if "ref" not in self.fields:
            return self.instance.ref
        ref = self.cleaned_data["ref"].strip()
        clash = Risk.objects.filter(register=self.instance.register, ref=ref)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(f"{ref} is already used in this register.")
        return ref


class ReviewForm(VersionRequired, BoundedText, forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    reviewed_on = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    comment = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text="Progress since the last review. " + MARKDOWN_HELP,
    )
    signed_off = forms.BooleanField(required=False, label="Signed off")
    next_review_date = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, risk, **kwargs):
        today = timezone.localdate()
        initial = {
            "version": risk.version,
            "reviewed_on": today,
            "next_review_date": registers.default_next_review(today),
            **{name: getattr(risk, name) for name in SCORE_FIELDS},
        }
        super().__init__(*args, initial=initial, **kwargs)
        for name in SCORE_FIELDS:
            self.fields[name] = score_field(
                risk.register.matrix, name, not name.startswith("target")
            )
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("target_probability") is None) != (cleaned.get("target_impact") is None):
            self.add_error("target_impact", "Give both the target probability and impact.")
        reviewed, next_review = cleaned.get("reviewed_on"), cleaned.get("next_review_date")
        if reviewed and next_review and next_review <= reviewed:
            self.add_error("next_review_date", "The next review must come after this one.")
        return cleaned


class RegisterForm(BoundedModelForm):
    class Meta:
        model = RiskRegister
        fields = [
            "name",
            "project",
            "programmes",
            "matrix",
            "owner",
            "marking",
            "description",
            "appetite_statement",
        ]
        widgets = {
            "programmes": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 3}),
            "appetite_statement": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(is_active=True)
        default = self.fields["matrix"].queryset.filter(is_default=True).first()
        if default and not self.instance.pk:
            self.initial.setdefault("matrix", default.pk)


class RegisterEditForm(SeenVersion, BoundedModelForm):
    """A register once made: its matrix stays (its risks are scored on it); only the PMO
    moves it to another owner or project, or changes its marking."""

    class Meta:
        model = RiskRegister
        fields = [
            "name",
            "project",
            "programmes",
            "owner",
            "marking",
            "description",
            "appetite_statement",
        ]
        widgets = RegisterForm.Meta.widgets

    def __init__(self, *args, pmo=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(is_active=True)
        if not pmo:
            for name in ("owner", "project", "programmes", "marking"):
                del self.fields[name]


class RiskFilter(django_filters.FilterSet):
    band = django_filters.ChoiceFilter(
        label="Residual band", method="filter_band", empty_label="Any band"
    )
    category = django_filters.ModelChoiceFilter(
        queryset=RiskCategory.objects.all(), empty_label="Any category"
    )
    owner = django_filters.ModelChoiceFilter(queryset=User.objects.none(), empty_label="Any owner")
    treatment = django_filters.ChoiceFilter(
        choices=Risk.Treatment.choices, empty_label="Any treatment"
    )
    overdue = django_filters.BooleanFilter(
        label="Review overdue", method="filter_overdue", widget=forms.CheckboxInput
    )
    cell = django_filters.CharFilter(method="filter_cell", widget=forms.HiddenInput)

    class Meta:
        model = Risk
        fields = ["band", "category", "owner", "treatment", "overdue"]

    def __init__(self, *args, register, **kwargs):
        super().__init__(*args, **kwargs)
        self.register = register
        self.filters["band"].extra["choices"] = [
            (str(b.pk), f"{b.name} ({b.min_score}–{b.max_score})")
            for b in registers.scoring.bands(register.matrix)
        ]
        self.filters["owner"].queryset = User.objects.filter(
            owned_risks__register=register
        ).distinct()

    def filter_band(self, queryset, name, value):
        band = next(
            (b for b in registers.scoring.bands(self.register.matrix) if str(b.pk) == value), None
        )
        if band is None:
            return queryset.none()
        return queryset.filter(
            residual_score__gte=band.min_score, residual_score__lte=band.max_score
        )

    def filter_overdue(self, queryset, name, value):
        if not value:
            return queryset
        return queryset.filter(status=Risk.Status.OPEN, next_review_date__lt=timezone.localdate())

    def filter_cell(self, queryset, name, value):
        """A heat-map cell: "residual-3-4" is residual probability 3, impact 4."""
        try:
            kind, probability, impact = value.split("-")
            probability, impact = int(probability), int(impact)
        except ValueError:
            return queryset.none()
        if kind not in ("inherent", "residual"):
            return queryset.none()
        return queryset.filter(
            **{f"{kind}_probability": probability, f"{kind}_impact": impact},
            status=Risk.Status.OPEN,
        )


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Register workbook (.xlsx) or .csv",
        help_text="The layout of the council's register: title rows, then a header row "
        "(Ref, Risk, Category, … Residual Risk Score, Consequences …), then a row per risk.",
    )

"""The forms of a project's plan: its milestones, kept together on one page, and a
re-baseline."""

from django import forms
from django.forms.models import ModelChoiceIterator

from ..models import Milestone, Project, validate_year
from .fields import BoundedModelForm
from .formsets import GuardedInlineFormSet

AGREED = (
    "“{}” has an agreed baseline, so it stays in the plan: set its status to Cancelled if "
    "it is dropped (the sponsor's re-baselines stay on record)."
)
SAME_NAME = "Two milestones are called “{}”: give each its own name."
SAVED_MEANWHILE = (
    "Nothing was saved: someone else saved this plan's milestones at the same moment. Open "
    "the page again to see theirs, then make your changes."
)
STALE = (
    "Someone else changed this milestone after you opened the page. Nothing was saved: "
    "open the page again to see their change, then make yours."
)


class MilestoneForm(BoundedModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Milestone
        fields = ["name", "workstream", "baseline", "forecast", "actual", "status", "key",
                  "order"]  # fmt: skip
        widgets = {
            "baseline": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "forecast": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "actual": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "order": forms.NumberInput(attrs={"min": 0, "class": "order-input"}),
        }

    def __init__(self, *args, project=None, workstreams=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["workstream"]
        field.queryset = project.workstreams.all() if project else None
        if workstreams is not None:  # read once for the whole page, not once per row
            field.listed, field.iterator = workstreams, ListedChoices
            field.widget.choices = field.choices
        if self.instance.pk:
            self.initial["version"] = self.instance.version
            if self.instance.baseline:
                # Agreed: only the sponsor moves it, on the re-baseline page.
                self.fields["baseline"].disabled = True
                self.fields["baseline"].help_text = "Agreed: the sponsor re-baselines it."

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean(self):
        cleaned = super().clean()
        stale = cleaned.get("version") != self.instance.version
        if self.instance.pk and self.has_changed() and stale:
            raise forms.ValidationError(STALE)
        return cleaned

    def save(self, commit=True):
        if self.instance.pk and self.has_changed():
            self.instance.version += 1
        return super().save(commit)


class ListedChoices(ModelChoiceIterator):
    """A choice field's options from a list read once (field.listed)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.listed:
            yield self.choice(obj)

    def __len__(self):
        return len(self.field.listed) + (self.field.empty_label is not None)


class BaseMilestoneFormSet(GuardedInlineFormSet):
    def get_form_kwargs(self, index):
        if not hasattr(self, "_workstreams"):
            self._workstreams = list(self.instance.workstreams.all())
        return {**super().get_form_kwargs(index), "project": self.instance,
                "workstreams": self._workstreams}  # fmt: skip

    def clean(self):
        super().clean()
        names = {}
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or not form.cleaned_data.get("name"):
                continue
            if form in self.deleted_forms:
                if form.instance.pk and form.instance.baseline:
                    raise forms.ValidationError(AGREED.format(form.instance.name))
                continue
            key = form.cleaned_data["name"].lower()
            if key in names:
                raise forms.ValidationError(SAME_NAME.format(form.cleaned_data["name"]))
            names[key] = form
        # Rows saved meanwhile by someone else (the page did not show them).
        shown = {form.instance.pk for form in self.forms if form.instance.pk}
        for stored in self.instance.milestones.exclude(pk__in=shown).values_list("name", flat=True):
            if stored.lower() in names:
                raise forms.ValidationError(SAME_NAME.format(stored))

    @property
    def empty_form(self):
        form = self.form(auto_id=self.auto_id, prefix=self.add_prefix("__prefix__"),
                         empty_permitted=True, use_required_attribute=False,
                         project=self.instance, renderer=self.renderer)  # fmt: skip
        self.add_fields(form, None)
        return form


MilestoneFormSet = forms.inlineformset_factory(
    Project, Milestone, form=MilestoneForm, formset=BaseMilestoneFormSet, extra=3,
    can_delete=True,
)  # fmt: skip


class RebaselineForm(forms.Form):
    new_baseline = forms.DateField(
        label="New baseline date", widget=forms.DateInput(attrs={"type": "date"}),
        validators=[validate_year],
    )  # fmt: skip
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
        help_text="Why it moves, as the board will read it.",
    )  # fmt: skip

"""The forms of a project's plan: its milestones, kept together on one page, and a
re-baseline."""

from django import forms

from ..models import Milestone, Project
from .fields import BoundedModelForm
from .formsets import GuardedInlineFormSet

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

    def __init__(self, *args, project=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workstream"].queryset = project.workstreams.all() if project else None
        if self.instance.pk:
            self.initial["version"] = self.instance.version
            if self.instance.baseline:
                # Agreed: only the sponsor moves it, on the re-baseline page.
                self.fields["baseline"].disabled = True
                self.fields["baseline"].help_text = "Agreed: the sponsor re-baselines it."

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


class BaseMilestoneFormSet(GuardedInlineFormSet):
    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "project": self.instance}

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
        label="New baseline date", widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=2000,
        help_text="Why it moves, as the board will read it.",
    )  # fmt: skip

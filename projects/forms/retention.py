"""The PMO's forms for the retention schedule and legal holds (issue 22)."""

from crispy_forms.helper import FormHelper
from django import forms

from .. import retention
from ..models import RetentionRule
from .fields import SeenVersion


def helper():
    form_helper = FormHelper()
    form_helper.form_tag = False
    return form_helper


class RetentionRuleForm(SeenVersion, forms.ModelForm):
    class Meta:
        model = RetentionRule
        fields = ["amount", "unit", "reason", "active"]
        widgets = {"reason": forms.Textarea(attrs={"rows": 4})}
        labels = {"unit": "Unit"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = helper()


class LegalHoldForm(forms.Form):
    """What to hold, from the records a hold may be placed on (each app names its own)."""

    target = forms.ChoiceField(label="Hold everything under")
    reason = forms.CharField(
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="e.g. the claim, the inquiry or the information request it serves.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.found = {}
        choices = [("", "Choose a project, register or plan")]
        for label, queryset in retention.HOLDABLE:
            objects = list(queryset())
            group = []
            for obj in objects:
                key = "{}:{}".format(*retention.hold_key(obj))
                self.found[key] = obj
                group.append((key, str(obj)))
            choices.append((label, group))
        self.fields["target"].choices = choices
        self.helper = helper()

    def clean_target(self):
        target = self.found.get(self.cleaned_data["target"])
        if target is None:
            raise forms.ValidationError("Choose what the hold is on.")
        if retention.hold_of(target) is not None:
            raise forms.ValidationError(f"{target} is already held: lift that hold first.")
        return target


class LiftHoldForm(forms.Form):
    reason = forms.CharField(
        label="Why it can be lifted",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

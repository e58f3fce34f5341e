"""The PMO names another approver for a report the sponsor may not approve."""

from django import forms

from ..access import PMO
from ..models import User


class NameApproverForm(forms.Form):
    approver = forms.ModelChoiceField(
        queryset=User.objects.none(),
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
        label="Name another approver",
        help_text="Not in the PMO, not the project manager, and not anyone who wrote part of "
        "the report. They are told by email; this is recorded in the audit.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["approver"].queryset = (
            User.objects.filter(is_active=True)
            .exclude(groups__name=PMO)
            .exclude(pk=report.project.manager_id or 0)
            .exclude(pk__in=report.writers.values("pk"))
            .order_by("first_name", "last_name", "username")
        )
        self.initial.setdefault("version", report.version)
        if report.named_approver_id:
            self.initial.setdefault("approver", report.named_approver_id)

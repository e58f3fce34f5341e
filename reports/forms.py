from django import forms
from django.utils import timezone

from businessplan.activities import owners
from projects.forms import MARKDOWN_HELP, LongSelect, MonthField
from projects.models import HighlightReport, Project
from projects.periods import previous_month

from .kinds import choices, get_kind


class RunMonthForm(forms.Form):
    """The PMO starts a month's run by hand: after a late approval, or before the run day."""

    period = MonthField(label="Month")

    def clean_period(self):
        period = self.cleaned_data["period"]
        if period > previous_month(timezone.localdate()):
            raise forms.ValidationError("That month has not ended yet: run a month that has.")
        # A slip of the year would render every register and pack again and tell the board.
        first = HighlightReport.objects.order_by("period_start").values_list(
            "period_start", flat=True
        )[:1]
        if not first or period < first[0].replace(day=1):
            since = f" (the first is for {first[0]:%B %Y})" if first else ""
            raise forms.ValidationError(f"Highlight has no report for that month{since}.")
        return period


class DocumentRequestForm(forms.Form):
    """Ask for any kind of document: each kind names the fields below it needs
    (DocumentKind.request_fields and required_fields)."""

    kind = forms.ChoiceField(choices=choices)
    programme = forms.ChoiceField(
        required=False,
        label="Board pack for",
        help_text="A programme, or the whole portfolio.",
        widget=LongSelect,
    )
    project = forms.ChoiceField(
        required=False, label="Project (highlight report)", widget=LongSelect
    )
    period = MonthField(required=False, label="Month")
    register = forms.ChoiceField(required=False, label="Risk register", widget=LongSelect)
    plan = forms.ChoiceField(required=False, label="Business plan")
    internal = forms.BooleanField(required=False, label="Internal version (with document links)")
    # A business plan narrowed for a meeting (reports/kinds/plan.py).
    exceptions = forms.BooleanField(
        required=False, label="Only exceptions (slipping or not started)"
    )
    owner = forms.ChoiceField(
        required=False,
        label="Only one owner's activities",
        help_text="The people who post an owner role's quarterly updates.",
        widget=LongSelect,
    )
    # A board pack's cover and covering note (reports/kinds/meeting.py): all optional.
    meeting = forms.CharField(
        required=False, max_length=120, help_text="e.g. Corporate Management Team"
    )
    meeting_date = forms.DateField(
        required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    agenda_item = forms.CharField(required=False, max_length=20, help_text="e.g. 6.2")
    author = forms.CharField(
        required=False, max_length=120, help_text="Who the pack and its note are from."
    )
    covering_note = forms.CharField(
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=f"A summary and recommendations to the board. {MARKDOWN_HELP}",
    )
    full = forms.BooleanField(
        required=False,
        label="Every report in full",
        help_text="Otherwise a pack of more than 20 projects prints only the exceptions' reports.",
    )

    def __init__(self, *args, registers=(), plans=(), **kwargs):
        super().__init__(*args, **kwargs)
        projects = Project.objects.order_by("code").values_list("code", "name", "kind")
        projects = [(code, f"{code} {name}", kind) for code, name, kind in projects]
        self.fields["programme"].choices = [("", "The whole portfolio")] + [
            (code, label) for code, label, kind in projects if kind == Project.Kind.PROGRAMME
        ]
        self.fields["project"].choices = [("", "—")] + [
            (code, label) for code, label, _kind in projects
        ]
        self.fields["register"].choices = [("", "—"), *registers]  # (slug, name) pairs
        self.fields["plan"].choices = [("", "—")] + [(p.year, str(p)) for p in plans]
        self.fields["owner"].choices = [("", "Every owner"), *owners(plans)]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind"):
            for name in get_kind(cleaned["kind"]).required_fields:
                if not cleaned.get(name):
                    self.add_error(name, "Needed for this kind of document.")
        return cleaned

    def params(self):
        data = self.cleaned_data
        return {
            name: written(name, data.get(name)) for name in get_kind(data["kind"]).request_fields
        }


def written(name, value):
    """A form value as params hold it (JSON): months as YYYY-MM, dates as YYYY-MM-DD."""
    if value and name == "period":
        return value.strftime("%Y-%m")
    if value and name == "meeting_date":
        return value.isoformat()
    return value

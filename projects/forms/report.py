"""The highlight report's forms: the new-report period, the report itself, and the
formsets for its RAG ratings, concerns, workstream progress and deliverables."""

import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout
from django import forms

from .. import report_templates
from ..models import (
    Concern,
    Deliverable,
    HighlightReport,
    RagRating,
    RagStatus,
    WorkstreamProgress,
)
from ..periods import month_end
from ..reporting import comment_needed
from .fields import MARKDOWN_HELP, BoundedModelForm, MonthField, VersionRequired
from .formsets import GuardedInlineFormSet


class NewReportForm(forms.Form):
    period_start = MonthField(label="Period (month)")
    period_end = MonthField(
        label="Period ends (month)",
        required=False,
        help_text="Leave blank for a one-month report; set it for a report covering several.",
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_start"), cleaned.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "The period cannot end before it starts.")
        if start:
            cleaned["period_end"] = month_end(end or start)
        return cleaned


LONG_TEXT = HighlightReport.NARRATIVE
SECTION_GROUPS = (
    ("Progress", ("summary", "planned_this_period", "achievements", "next_period")),
    ("Issues and risks", ("issues", "risks_narrative")),
    ("For the board", ("decisions_required", "governance", "communication")),
)


class ReportForm(VersionRequired, BoundedModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = HighlightReport
        fields = [
            "report_date",
            "status_word",
            "percent_complete",
            *LONG_TEXT,
            "deliverables_title",
        ]
        widgets = {
            "report_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            **{name: forms.Textarea(attrs={"rows": 5}) for name in LONG_TEXT},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        self.fields["report_date"].input_formats = ["%Y-%m-%d", "%d/%m/%Y"]
        # The report's template names each section and decides which optional ones are
        # offered; a section that already holds something is always offered.
        template = report_templates.template_for(self.instance.project)
        self.headings = report_templates.headings(template, self.instance.project.governance_body)
        self.offered = report_templates.offered(template, self.instance)
        # Text typed before the PMO hid a section is kept, not silently dropped.
        self.offered |= {name for name in LONG_TEXT if str(self.data.get(name, "")).strip()}
        for name in LONG_TEXT:
            if name in self.offered:
                self.fields[name].label = self.headings[name]
                self.fields[name].help_text = MARKDOWN_HELP
            else:
                del self.fields[name]
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            "version",
            Div(
                Div(Field("report_date"), css_class="col-md-4"),
                Div(Field("status_word"), css_class="col-md-4"),
                Div(Field("percent_complete"), css_class="col-md-4"),
                css_class="row",
            ),
            *(
                Fieldset(title, *[name for name in names if name in self.fields])
                for title, names in SECTION_GROUPS
                if any(name in self.fields for name in names)
            ),
        )

    def clean_report_date(self):
        value = self.cleaned_data["report_date"]
        if value and value > datetime.date.today() + datetime.timedelta(days=366):
            raise forms.ValidationError("The date of update is more than a year ahead.")
        return value


class RagRatingForm(BoundedModelForm):
    class Meta:
        model = RagRating
        fields = ["status", "comment"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, previous=None, statuses=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.previous = previous or {}
        self.fields["status"].queryset = statuses if statuses is not None else RagStatus.objects
        self.fields["status"].empty_label = "Not rated"
        dimension = self.instance.dimension if self.instance.dimension_id else None
        self.fields["status"].label = f"{dimension or 'RAG'} this period"
        self.fields["comment"].label = f"Why {dimension or 'this'} is as it is"

    def clean(self):
        cleaned = super().clean()
        before = self.previous.get(self.instance.dimension_id)
        reason = comment_needed(cleaned.get("status"), before.status if before else None)
        if reason and not cleaned.get("comment", "").strip():
            self.add_error("comment", f"A comment is needed here: {reason}.")
        return cleaned


class BaseRagRatingFormSet(GuardedInlineFormSet):
    fixed_rows = "A report has one RAG line per dimension: a line cannot be added here."

    def __init__(self, *args, previous=None, **kwargs):
        self.previous = previous or {}
        # One status list for every line, not a query per line.
        self.statuses = RagStatus.objects.all()
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "previous": self.previous,
                "statuses": self.statuses}  # fmt: skip


RagRatingFormSet = forms.inlineformset_factory(
    HighlightReport,
    RagRating,
    form=RagRatingForm,
    formset=BaseRagRatingFormSet,
    extra=0,
    can_delete=False,
)


class ConcernForm(BoundedModelForm):
    class Meta:
        model = Concern
        fields = ["concern", "countermeasure", "resolved"]
        widgets = {
            "concern": forms.Textarea(attrs={"rows": 3}),
            "countermeasure": forms.Textarea(attrs={"rows": 3}),
        }


ConcernFormSet = forms.inlineformset_factory(
    HighlightReport,
    Concern,
    form=ConcernForm,
    formset=GuardedInlineFormSet,
    extra=2,
    can_delete=True,
)


class WorkstreamProgressForm(BoundedModelForm):
    class Meta:
        model = WorkstreamProgress
        fields = ["planned", "achievements", "next_steps"]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in fields}

    def __init__(self, *args, headings=None, **kwargs):
        super().__init__(*args, **kwargs)
        # A workstream's parts are headed as the report's own sections are.
        for name, section in (("planned", "planned_this_period"), ("achievements",
                              "achievements"), ("next_steps", "next_period")):  # fmt: skip
            if headings and section in headings:
                self.fields[name].label = headings[section]


class BaseWorkstreamProgressFormSet(GuardedInlineFormSet):
    fixed_rows = (
        "A report has one progress section per workstream of its project: to add one, add "
        "a workstream to the project."
    )


WorkstreamProgressFormSet = forms.inlineformset_factory(
    HighlightReport,
    WorkstreamProgress,
    form=WorkstreamProgressForm,
    formset=BaseWorkstreamProgressFormSet,
    extra=0,
    can_delete=False,
)


class DeliverableForm(BoundedModelForm):
    class Meta:
        model = Deliverable
        fields = ["workstream", "description", "status", "due_date", "forecast_date", "order"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 2}),
            "due_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "forecast_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "order": forms.NumberInput(attrs={"min": 0, "class": "order-input"}),
        }

    def __init__(self, *args, workstreams=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["workstream"].queryset = workstreams
        self.fields["workstream"].empty_label = "(no theme)"


class BaseDeliverableFormSet(GuardedInlineFormSet):
    def get_form_kwargs(self, index):
        return {
            **super().get_form_kwargs(index),
            "workstreams": self.instance.project.workstreams.all(),
        }


DeliverableFormSet = forms.inlineformset_factory(
    HighlightReport,
    Deliverable,
    form=DeliverableForm,
    formset=BaseDeliverableFormSet,
    extra=3,
    can_delete=True,
)

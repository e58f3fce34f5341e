import datetime
import re
from html import escape

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout
from django import forms
from django.core.validators import MaxLengthValidator
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .models import (
    Concern,
    DatePrecision,
    Deliverable,
    HighlightReport,
    Project,
    RagRating,
    RagStatus,
    User,
    Workstream,
    WorkstreamProgress,
    format_partial_date,
    month_end,
    validate_year,
)
from .reporting import comment_needed

MARKDOWN_HELP = "Markdown: start a line with - for a bullet, **bold**, ### for a heading."


# The most free text one field takes: some eight pages of a printed report. A paste of a
# whole document (or a megabyte from a script) is refused with the field's message, rather
# than saved and printed as hundreds of pages.
TEXT_LIMIT = 20_000


class BoundedText:
    """Every free-text field of the form without a length of its own gets TEXT_LIMIT, in
    the browser (maxlength) and on the server."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and field.max_length is None:
                field.max_length = TEXT_LIMIT
                field.validators.append(MaxLengthValidator(TEXT_LIMIT))
                field.widget.attrs.setdefault("maxlength", str(TEXT_LIMIT))


class BoundedModelForm(BoundedText, forms.ModelForm):
    pass


class LongSelect(forms.Select):
    """A select of hundreds of flat choices (every project, every register) written out in
    one pass. Django renders each option through a template of its own, about 0.2 ms
    apiece: 400 ms of the documents page at 1,000 projects."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = set(self.format_value(value))
        # The standard library's escape: Django's wraps it for lazy strings, at 5 µs a call.
        options = "".join(
            f'<option value="{escape(str(key))}"{" selected" if str(key) in chosen else ""}>'
            f"{escape(str(label))}</option>"
            for key, label in self.choices
        )
        options = mark_safe(options)  # noqa: S308 (each value and label escaped)  # nosec B308 B703
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        return format_html('<select name="{}"{}>{}</select>', name, attributes, options)


class MonthField(forms.DateField):
    """A month picked as YYYY-MM (the browser's month input), held as its first day."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m"]

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if day else day

    def validate(self, value):
        super().validate(value)
        validate_year(value)


class PartialDateField(forms.CharField):
    """A date as precise as it is known: "05/06/2011", "June 2011" or "2013"."""

    default_error_messages = {
        "invalid": 'Enter a date as 05/06/2011, a month as "June 2011", or a year as 2013.'
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", 'e.g. 05/06/2011, "June 2011" or 2013')
        super().__init__(**kwargs)

    def to_python(self, value):
        value = (super().to_python(value) or "").strip()
        if not value:
            return (None, DatePrecision.DAY)
        if re.fullmatch(r"\d{4}", value):
            return (self.in_range(datetime.date(max(int(value), 1), 1, 1)), DatePrecision.YEAR)
        for pattern, precision in (
            ("%d/%m/%Y", DatePrecision.DAY),
            ("%Y-%m-%d", DatePrecision.DAY),
            ("%B %Y", DatePrecision.MONTH),
            ("%b %Y", DatePrecision.MONTH),
            ("%m/%Y", DatePrecision.MONTH),
        ):
            try:
                day = datetime.datetime.strptime(value, pattern).date()
            except ValueError:
                continue
            return (self.in_range(day), precision)
        raise forms.ValidationError(self.error_messages["invalid"], code="invalid")

    @staticmethod
    def in_range(day):
        validate_year(day)
        return day


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


LONG_TEXT = [
    "summary",
    "planned_this_period",
    "achievements",
    "next_period",
    "issues",
    "risks_narrative",
    "decisions_required",
    "governance",
    "communication",
]


class ReportForm(BoundedModelForm):
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
        for name in LONG_TEXT:
            self.fields[name].help_text = MARKDOWN_HELP
        body = self.instance.project.governance_body
        self.fields["decisions_required"].label = f"Decisions and recommendations for {body}"
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
            Fieldset("Progress", "summary", "planned_this_period", "achievements", "next_period"),
            Fieldset("Issues and risks", "issues", "risks_narrative"),
            Fieldset("For the board", "decisions_required", "governance", "communication"),
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


class BaseRagRatingFormSet(forms.BaseInlineFormSet):
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
    HighlightReport, Concern, form=ConcernForm, extra=2, can_delete=True
)


class WorkstreamProgressForm(BoundedModelForm):
    class Meta:
        model = WorkstreamProgress
        fields = ["planned", "achievements", "next_steps"]
        widgets = {name: forms.Textarea(attrs={"rows": 4}) for name in fields}


WorkstreamProgressFormSet = forms.inlineformset_factory(
    HighlightReport,
    WorkstreamProgress,
    form=WorkstreamProgressForm,
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


class BaseDeliverableFormSet(forms.BaseInlineFormSet):
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


class ProjectForm(BoundedModelForm):
    start_text = PartialDateField(label="Start", required=False)
    end_text = PartialDateField(label="Anticipated end", required=False)

    class Meta:
        model = Project
        fields = [
            "code",
            "name",
            "kind",
            "parent",
            "status",
            "sponsor",
            "manager",
            "editors",
            "director",
            "distribution",
            "area",
            "governance_body",
            "reporting_cadence",
            "report_due_working_days",
            "benefits",
            "objectives",
            "approach",
        ]
        widgets = {
            "benefits": forms.Textarea(attrs={"rows": 4}),
            "objectives": forms.Textarea(attrs={"rows": 4}),
            "approach": forms.Textarea(attrs={"rows": 4}),
            "editors": forms.SelectMultiple(attrs={"size": 6}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        people = User.objects.filter(is_active=True)
        for name in ("sponsor", "manager", "editors", "director"):
            self.fields[name].queryset = people
        parents = Project.objects.filter(kind=Project.Kind.PROGRAMME)
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
            self.initial["start_text"] = format_partial_date(
                self.instance.start, self.instance.start_precision
            )
            self.initial["end_text"] = format_partial_date(
                self.instance.end, self.instance.end_precision
            )
        self.fields["parent"].queryset = parents
        for name in ("benefits", "objectives", "approach"):
            self.fields[name].help_text = MARKDOWN_HELP
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Div(
                Div(Field("code"), css_class="col-md-3"),
                Div(Field("name"), css_class="col-md-6"),
                Div(Field("kind"), css_class="col-md-3"),
                css_class="row",
            ),
            Div(
                Div(Field("parent"), css_class="col-md-6"),
                Div(Field("status"), css_class="col-md-3"),
                css_class="row",
            ),
            Fieldset(
                "People",
                Div(
                    Div(Field("sponsor"), css_class="col-md-4"),
                    Div(Field("manager"), css_class="col-md-4"),
                    Div(Field("director"), css_class="col-md-4"),
                    css_class="row",
                ),
                "editors",
            ),
            Fieldset(
                "Reporting",
                Div(
                    Div(Field("start_text"), css_class="col-md-3"),
                    Div(Field("end_text"), css_class="col-md-3"),
                    Div(Field("reporting_cadence"), css_class="col-md-3"),
                    Div(Field("report_due_working_days"), css_class="col-md-3"),
                    css_class="row",
                ),
                Div(
                    Div(Field("distribution"), css_class="col-md-5"),
                    Div(Field("area"), css_class="col-md-4"),
                    Div(Field("governance_body"), css_class="col-md-3"),
                    css_class="row",
                ),
            ),
            Fieldset("Benefits, objectives and approach", "benefits", "objectives", "approach"),
        )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Project.Kind.PROGRAMME and cleaned.get("parent"):
            self.add_error("parent", "A programme cannot sit inside another programme.")
        start, end = cleaned.get("start_text"), cleaned.get("end_text")
        if start and end and start[0] and end[0] and end[0] < start[0]:
            self.add_error("end_text", "The end cannot be before the start.")
        return cleaned

    def save(self, commit=True):
        project = self.instance
        project.start, project.start_precision = self.cleaned_data["start_text"]
        project.end, project.end_precision = self.cleaned_data["end_text"]
        return super().save(commit)


class ManagerProjectForm(BoundedModelForm):
    """What a project manager may change: the project's description and its editors. The
    PMO decides its people, status and reporting rules (who approves, who is chased)."""

    class Meta:
        model = Project
        fields = ["name", "distribution", "area", "editors", "benefits", "objectives", "approach"]
        widgets = ProjectForm.Meta.widgets

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["editors"].queryset = User.objects.filter(is_active=True)
        for name in ("benefits", "objectives", "approach"):
            self.fields[name].help_text = MARKDOWN_HELP
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True


class BaseWorkstreamFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        for form in self.deleted_forms:
            workstream = form.instance
            if workstream.pk and workstream_in_approved_report(workstream):
                raise forms.ValidationError(
                    f"“{workstream.name}” is used by approved reports, so it cannot be "
                    "deleted. Rename it, or leave it: workstreams a report does not fill "
                    "in are not printed."
                )


def workstream_in_approved_report(workstream):
    approved = HighlightReport.Status.APPROVED
    return (
        WorkstreamProgress.objects.filter(workstream=workstream, report__status=approved)
        .exclude(planned="", achievements="", next_steps="")
        .exists()
        or Deliverable.objects.filter(workstream=workstream, report__status=approved).exists()
    )


WorkstreamFormSet = forms.inlineformset_factory(
    Project,
    Workstream,
    form=BoundedModelForm,
    formset=BaseWorkstreamFormSet,
    fields=["name", "order"],
    extra=2,
    can_delete=True,
    widgets={"order": forms.NumberInput(attrs={"min": 0, "class": "order-input"})},
)

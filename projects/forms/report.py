"""The highlight report's forms: the new-report period, the report itself, and the
formsets for its RAG ratings, concerns, workstream progress and deliverables."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.html import format_html

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

# What one report may hold, far beyond any real one (the longest sample has 18 deliverables,
# 3 concerns, 8,546 characters and 111 printed lines of text), so that nobody can make a
# report whose PDF holds a worker for minutes: hundreds of 20,000-character deliverables
# printed 2,642 pages in 219 s (issue 17). Lines are counted as well as characters: 100,000
# characters written as one-letter bullets print 533 pages and took 262 s. Each field is
# bounded too (fields.TEXT_LIMIT).
MAX_DELIVERABLES = 100
MAX_CONCERNS = 50
MAX_REPORT_CHARACTERS = 100_000  # some forty printed pages of prose
MAX_REPORT_LINES = 2_500  # each line break starts a line; a long line is one per 100 characters
LINE_CHARACTERS = 100


def too_many(rows, limit):
    return {
        "too_many_forms": f"A report holds at most {limit} {rows}: nothing was saved. Remove "
        "the ones that are done with (or merge a few) and save again."
    }


def printed_lines(text):
    """About how many lines `text` prints: a line per line break, and one more for each
    LINE_CHARACTERS of a long line."""
    return sum(max(1, -(-len(line) // LINE_CHARACTERS)) for line in text.splitlines())


def report_text(form, formsets):
    """Every piece of free text the report would hold once saved: its own fields' and those
    of every line kept (not deleted, not an empty new line)."""
    kept = [form]
    for formset in formsets:
        lines = [f for f in formset.forms if f not in formset.deleted_forms]
        kept += [f for f in lines if f.instance.pk or f.has_changed()]
    return [
        f.cleaned_data.get(name) or ""
        for f in kept
        for name, field in f.fields.items()
        if isinstance(field, forms.CharField)
    ]


def within_text_limit(form, formsets):
    """True when the report holds no more text than a report may; otherwise False, with the
    reason among the form's errors."""
    texts = report_text(form, formsets)
    characters, lines = sum(map(len, texts)), sum(map(printed_lines, texts))
    if characters > MAX_REPORT_CHARACTERS:
        form.add_error(
            None,
            f"The report would hold {characters:,} characters of text; a report holds at most "
            f"{MAX_REPORT_CHARACTERS:,} (some forty printed pages). Shorten the longest "
            "sections and save again.",
        )
    elif lines > MAX_REPORT_LINES:
        form.add_error(
            None,
            f"The report would print {lines:,} lines of text; a report prints at most "
            f"{MAX_REPORT_LINES:,} (some fifty pages). Join short lines and bullets, or "
            "shorten the longest sections, and save again.",
        )
    return not form.errors


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
        # Rendered field by field in the page's template (projects/_report_main_form.html)
        # rather than through a crispy layout: crispy renders each field through its own
        # templates, and this is the page people save most (issue 23).
        self.sections = [
            (title, [self[name] for name in names if name in self.fields])
            for title, names in SECTION_GROUPS
            if any(name in self.fields for name in names)
        ]

    def clean_report_date(self):
        value = self.cleaned_data["report_date"]
        if value and value > timezone.localdate() + datetime.timedelta(days=366):
            raise forms.ValidationError("The date of update is more than a year ahead.")
        return value


class RagRatingForm(BoundedModelForm):
    class Meta:
        model = RagRating
        fields = ["status", "comment"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, previous=None, statuses=None, suggested=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.previous = previous or {}
        self.fields["status"].queryset = statuses if statuses is not None else RagStatus.objects
        self.fields["status"].empty_label = "Not rated"
        dimension = self.instance.dimension if self.instance.dimension_id else None
        self.fields["status"].label = f"{dimension or 'RAG'} this period"
        self.fields["comment"].label = f"Why {dimension or 'this'} is as it is"
        # The PMO's tolerances, from the money and key milestones: said on the form.
        self.suggestion = (suggested or {}).get(dimension.measures) if dimension else None
        if self.suggestion:
            # Escaped: crispy prints help text as HTML, and statuses are named by people.
            self.fields["status"].help_text = format_html(
                "The tolerances suggest at least {}: {}. Rated better, say why.",
                self.suggestion.status.name, self.suggestion.reason,
            )  # fmt: skip

    def clean(self):
        cleaned = super().clean()
        before = self.previous.get(self.instance.dimension_id)
        reason = comment_needed(cleaned.get("status"), before.status if before else None,
                                self.suggestion)  # fmt: skip
        if reason and not cleaned.get("comment", "").strip():
            self.add_error("comment", f"A comment is needed here: {reason}.")
        return cleaned


class BaseRagRatingFormSet(GuardedInlineFormSet):
    fixed_rows = "A report has one RAG line per dimension: a line cannot be added here."

    def __init__(self, *args, previous=None, suggested=None, **kwargs):
        self.previous = previous or {}
        self.suggested = suggested or {}
        # One status list for every line, not a query per line.
        self.statuses = RagStatus.objects.all()
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "previous": self.previous,
                "statuses": self.statuses, "suggested": self.suggested}  # fmt: skip


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


class BaseConcernFormSet(GuardedInlineFormSet):
    default_error_messages = too_many("concerns", MAX_CONCERNS)


ConcernFormSet = forms.inlineformset_factory(
    HighlightReport,
    Concern,
    form=ConcernForm,
    formset=BaseConcernFormSet,
    extra=2,
    can_delete=True,
    # More kept lines than max_num are refused; past absolute_max, posted lines are not
    # even built (room is left for lines deleted in the same save).
    max_num=MAX_CONCERNS,
    absolute_max=2 * MAX_CONCERNS,
    validate_max=True,
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
    default_error_messages = too_many("deliverables", MAX_DELIVERABLES)

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
    max_num=MAX_DELIVERABLES,
    absolute_max=2 * MAX_DELIVERABLES,
    validate_max=True,
)

"""The project's forms: the PMO's full form, the manager's smaller one, and workstreams."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout
from django import forms

from ..models import (
    Deliverable,
    HighlightReport,
    Project,
    User,
    Workstream,
    WorkstreamProgress,
    format_partial_date,
)
from .fields import MARKDOWN_HELP, BoundedModelForm, PartialDateField, SeenVersion
from .formsets import GuardedInlineFormSet


class ProjectForm(SeenVersion, BoundedModelForm):
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
            "marking",
            "sponsor",
            "manager",
            "editors",
            "director",
            "distribution",
            "area",
            "governance_body",
            "cost_centre",
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
        # The PMO does everything but approve, so it sponsors nothing (Project.clean).
        self.fields["sponsor"].queryset = people.exclude(groups__name="PMO")
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
        self.helper.layout = project_layout()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("kind") == Project.Kind.PROGRAMME and cleaned.get("parent"):
            self.add_error("parent", "A programme cannot sit inside another programme.")
        self.clean_kind_and_people(cleaned)
        start, end = cleaned.get("start_text"), cleaned.get("end_text")
        if start and end and start[0] and end[0] and end[0] < start[0]:
            self.add_error("end_text", "The end cannot be before the start.")
        return cleaned

    def clean_kind_and_people(self, cleaned):
        kind, was = cleaned.get("kind"), self.instance.kind if self.instance.pk else None
        if kind == Project.Kind.PROJECT and not cleaned.get("manager"):
            self.add_error("manager", "A project needs a manager (only a programme may have none).")
        writers = cleaned.get("manager") or cleaned.get("editors")
        if kind == Project.Kind.PROGRAMME and not writers:
            self.add_error(
                "editors", "A programme without a manager needs an editor to write its reports."
            )
        ties = self.instance.programme_ties() if was == Project.Kind.PROGRAMME else []
        if kind == Project.Kind.PROJECT and ties:
            self.add_error(
                "kind", f"It is still a programme to {', '.join(ties)}: move or unlink them first."
            )

    def save(self, commit=True):
        project = self.instance
        project.start, project.start_precision = self.cleaned_data["start_text"]
        project.end, project.end_precision = self.cleaned_data["end_text"]
        return super().save(commit)


def project_layout():
    return Layout(
        Div(
            Div(Field("code"), css_class="col-md-3"),
            Div(Field("name"), css_class="col-md-6"),
            Div(Field("kind"), css_class="col-md-3"),
            css_class="row",
        ),
        Div(
            Div(Field("parent"), css_class="col-md-6"),
            Div(Field("status"), css_class="col-md-3"),
            Div(Field("marking"), css_class="col-md-3"),
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
            Div(Div(Field("cost_centre"), css_class="col-md-4"), css_class="row"),
        ),
        Fieldset("Benefits, objectives and approach", "benefits", "objectives", "approach"),
        "seen",
    )


class ManagerProjectForm(SeenVersion, BoundedModelForm):
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


class BaseWorkstreamFormSet(GuardedInlineFormSet):
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

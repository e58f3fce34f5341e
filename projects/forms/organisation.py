"""The PMO's settings: the organisation's name, logo and defaults, and the markings it uses."""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Div, Field, Fieldset, Layout
from django import forms
from django.core.files.base import ContentFile
from django.db.models import Q

from .. import logos
from ..models import Marking, Organisation, Project, ReportTemplate
from ..report_templates import SECTIONS
from .fields import MARKDOWN_HELP, BoundedModelForm, SeenVersion, VersionRequired

TOLERANCES = (
    "budget_amber_percent", "budget_red_percent", "timeline_amber_weeks",
    "timeline_red_weeks", "amber_status", "red_status",
)  # fmt: skip
TOLERANCE_HELP = (
    '<p class="small text-body-secondary">A budget or timeline line rated better than these '
    "suggest must say why, on the report form and before it is submitted: the budget from "
    "the financial year's forecast outturn against its approved budget, the timeline from "
    "the furthest a key milestone is behind its baseline. Leave a threshold empty to switch "
    "it off. Which RAG line measures the budget or the timeline is set on each line.</p>"
)


class OrganisationForm(VersionRequired, BoundedModelForm):
    logo_file = forms.FileField(
        label="Logo",
        required=False,
        help_text="A PNG or JPEG of at most 2 MB and 4096×4096 pixels (no SVG). Printed on "
        "every PDF and shown in the navigation bar.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg"}),
    )
    remove_logo = forms.BooleanField(label="Remove the logo", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Organisation
        fields = [
            "name",
            "financial_year_start",
            "default_marking",
            "risk_appetite",
            "risk_appetite_adopted",
            *TOLERANCES,
        ]
        widgets = {
            "risk_appetite": forms.Textarea(attrs={"rows": 6}),
            "risk_appetite_adopted": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        self.fields[
            "risk_appetite"
        ].help_text = (
            f"{MARKDOWN_HELP} Printed on a risk register that has no statement of its own."
        )
        self.fields["default_marking"].empty_label = None
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Div(
                Div(Field("name"), css_class="col-md-8"),
                Div(Field("financial_year_start"), css_class="col-md-4"),
                css_class="row",
            ),
            Div(
                Div(Field("logo_file"), css_class="col-md-8"),
                Div(Field("remove_logo"), css_class="col-md-4 pt-md-4"),
                css_class="row",
            ),
            "default_marking",
            Fieldset("Risk appetite", "risk_appetite", "risk_appetite_adopted"),
            Fieldset(
                "Tolerances",
                HTML(TOLERANCE_HELP),
                Div(
                    *(Div(Field(name), css_class="col-md-6") for name in TOLERANCES[:4]),
                    css_class="row",
                ),
                Div(
                    *(Div(Field(name), css_class="col-md-6") for name in TOLERANCES[4:]),
                    css_class="row",
                ),
            ),  # fmt: skip
            "version",
        )
        self.new_logo = None

    def clean_logo_file(self):
        upload = self.cleaned_data.get("logo_file")
        if upload:
            self.new_logo = logos.reencode(upload)
        return upload

    def clean(self):
        cleaned = super().clean()
        refuse_if_saved_since(self.instance, cleaned.get("version"), "these settings")
        for amber, red in (("budget_amber_percent", "budget_red_percent"),
                           ("timeline_amber_weeks", "timeline_red_weeks")):  # fmt: skip
            low, high = cleaned.get(amber), cleaned.get(red)
            if low is not None and high is not None and high <= low:
                self.add_error(red, "Red starts further out than Amber.")
        # A Red that is no worse than Amber would let every rating pass.
        amber, red = cleaned.get("amber_status"), cleaned.get("red_status")
        if amber and red and red.severity <= amber.severity:
            self.add_error("red_status", f"Choose a status worse than {amber} (higher severity).")
        return cleaned

    def save(self, commit=True):
        organisation = super().save(commit=False)
        old = organisation.logo.name if organisation.logo else ""
        if self.new_logo is not None:
            content, width, height, sha256 = self.new_logo
            organisation.logo.save(f"logo-{sha256[:16]}.png", ContentFile(content), save=False)
            organisation.logo_width, organisation.logo_height = width, height
        elif self.cleaned_data.get("remove_logo"):
            organisation.logo = ""
            organisation.logo_width = organisation.logo_height = None
        organisation.version += 1
        organisation.save()
        organisation.replaced_logo = old if old != organisation.logo_name else ""
        return organisation


class StatementsForm(VersionRequired, BoundedModelForm):
    """The privacy notice and accessibility statement: empty publishes Highlight's own."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = Organisation
        fields = ["privacy_contact", "privacy_notice", "accessibility_contact",
                  "accessibility_statement"]  # fmt: skip
        widgets = {
            "privacy_notice": forms.Textarea(attrs={"rows": 14}),
            "accessibility_statement": forms.Textarea(attrs={"rows": 14}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        own = f"{MARKDOWN_HELP} Leave it empty to publish Highlight's own text (below), which "
        self.fields["privacy_notice"].help_text = own + "follows the settings."
        self.fields["accessibility_statement"].help_text = own + "follows the settings."
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def clean(self):
        cleaned = super().clean()
        refuse_if_saved_since(self.instance, cleaned.get("version"), "these statements")
        return cleaned

    def save(self, commit=True):
        organisation = super().save(commit=False)
        organisation.version += 1
        organisation.save()
        return organisation


class MarkingForm(SeenVersion, BoundedModelForm):
    # Typed in any case, kept in capitals (the model's validator then checks what is kept).
    name = forms.CharField(max_length=60, help_text="As printed, e.g. OFFICIAL-SENSITIVE.")

    class Meta:
        model = Marking
        fields = ["name", "level", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            Div(
                Div(Field("name"), css_class="col-md-4"),
                Div(Field("level"), css_class="col-md-2"),
                Div(Field("description"), css_class="col-md-6"),
                css_class="row",
            ),
            "seen",
        )

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split()).upper()


class ReportTemplateForm(VersionRequired, BoundedModelForm):
    """A template's name, its programme, and for each section a heading and (for optional
    sections) whether the form offers it."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = ReportTemplate
        fields = ["name", "programme"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        if self.instance.is_default:
            del self.fields["programme"]
        else:
            self.fields["programme"].required = True
            self.fields["programme"].queryset = Project.objects.filter(
                kind=Project.Kind.PROGRAMME
            ).filter(Q(report_template__isnull=True) | Q(report_template=self.instance.pk))
        self.rows = []
        for section in SECTIONS:
            heading = f"heading_{section.key}"
            self.fields[heading] = forms.CharField(
                label=f"Heading for “{section.heading}”",
                required=False,
                max_length=120,
                help_text=section.about,
                initial=self.instance.heading(section.key),
                widget=forms.TextInput(attrs={"placeholder": section.heading}),
            )
            shown = None
            if section.optional:
                shown = f"shown_{section.key}"
                self.fields[shown] = forms.BooleanField(
                    label="Offered on the form",
                    required=False,
                    initial=self.instance.shows(section.key),
                )
            self.rows.append((section, heading, shown))

    def bound_rows(self):
        """(section, its heading field, its offered field or None), for the page."""
        return [
            (section, self[heading], self[shown] if shown else None)
            for section, heading, shown in self.rows
        ]

    def clean(self):
        cleaned = super().clean()
        refuse_if_saved_since(self.instance, cleaned.get("version"), "this template")
        return cleaned

    def save(self, commit=True):
        template = super().save(commit=False)
        template.sections = {
            section.key: {
                "heading": self.cleaned_data[heading].strip(),
                "shown": bool(self.cleaned_data[shown]) if shown else True,
            }
            for section, heading, shown in self.rows
        }
        template.version += 1
        template.save()
        return template


def refuse_if_saved_since(instance, seen_version, what):
    """Two people saving at once: the one whose version is out of date is told, and
    nothing of theirs is saved (the view holds the row while it checks)."""
    if not instance.pk or seen_version is None:
        return  # nothing to compare (VersionRequired has refused a form without a version)
    stored = type(instance).objects.filter(pk=instance.pk).values_list("version", flat=True)
    if seen_version != stored.first():
        raise forms.ValidationError(
            f"Someone else saved {what} after you opened the page. Nothing was changed: open "
            "it again to see their changes, then make yours.",
            code="stale",
        )

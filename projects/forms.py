import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Div, Field, Fieldset, Layout
from django import forms

from .models import Concern, HighlightReport, RagRating, RagStatus, month_end

MARKDOWN_HELP = "Markdown: start a line with - for a bullet, **bold**, ### for a heading."


class MonthField(forms.DateField):
    """A month picked as YYYY-MM (the browser's month input), held as its first day."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m"]

    def to_python(self, value):
        day = super().to_python(value)
        return day.replace(day=1) if day else day


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


class ReportForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)

    class Meta:
        model = HighlightReport
        fields = [
            "report_date",
            "status_word",
            "percent_complete",
            "summary",
            "achievements",
            "next_period",
            "issues",
            "risks_narrative",
            "decisions_required",
            "governance",
            "communication",
        ]
        widgets = {
            "report_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            **{
                name: forms.Textarea(attrs={"rows": 6})
                for name in (
                    "summary",
                    "achievements",
                    "next_period",
                    "issues",
                    "risks_narrative",
                    "decisions_required",
                    "governance",
                    "communication",
                )
            },
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        self.fields["report_date"].input_formats = ["%Y-%m-%d", "%d/%m/%Y"]
        for name in self.Meta.widgets:
            if name != "report_date":
                self.fields[name].help_text = MARKDOWN_HELP
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
            Fieldset("Progress", "summary", "achievements", "next_period"),
            Fieldset("Issues and risks", "issues", "risks_narrative"),
            Fieldset("For the board", "decisions_required", "governance", "communication"),
        )

    def clean_report_date(self):
        value = self.cleaned_data["report_date"]
        if value and value > datetime.date.today() + datetime.timedelta(days=366):
            raise forms.ValidationError("The date of update is more than a year ahead.")
        return value


class RagRatingForm(forms.ModelForm):
    class Meta:
        model = RagRating
        fields = ["status", "comment"]
        widgets = {"comment": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].queryset = RagStatus.objects.all()
        self.fields["status"].empty_label = "Not rated"
        self.fields["status"].label = "This period"


RagRatingFormSet = forms.inlineformset_factory(
    HighlightReport, RagRating, form=RagRatingForm, extra=0, can_delete=False
)


class ConcernForm(forms.ModelForm):
    class Meta:
        model = Concern
        fields = ["concern", "countermeasure"]
        widgets = {
            "concern": forms.Textarea(attrs={"rows": 3}),
            "countermeasure": forms.Textarea(attrs={"rows": 3}),
        }


ConcernFormSet = forms.inlineformset_factory(
    HighlightReport, Concern, form=ConcernForm, extra=2, can_delete=True
)

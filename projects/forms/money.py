"""The forms of a project's money: pounds as people type them, kept as pence; the lines
kept together on the project's Money page, and the spend and forecast updated on each
report."""

import re

from django import forms
from django.db import IntegrityError, transaction
from django.utils import timezone

from .. import finance
from ..models import FinanceLine, Project
from ..models.common import FIRST_YEAR, LAST_YEAR
from ..models.money import MOST_PENCE
from .fields import BoundedModelForm
from .formsets import GuardedInlineFormSet

# Digits 0-9 only; commas only between groups of three ("12,50" is not £1,250).
AMOUNT = re.compile(r"^(?P<whole>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.(?P<part>[0-9]{1,2}))?$")
BUDGET_AGREED = "The approved budget: only the PMO changes it."
SAME_LINE = "There are two lines for {}: keep one."
SAVED_MEANWHILE = (
    "Nothing was saved: someone else saved this project's money at the same moment. Open "
    "the page again to see theirs, then make your changes."
)
STALE = (
    "Someone else changed these figures after you opened the page. Nothing was saved: open "
    "the page again to see their change, then make yours."
)


class SavedMeanwhile(IntegrityError):
    """A money line changed by someone else between the check and the save."""


def parse_pounds(text):
    """Pence from pounds as people and finance systems write them: "£1,234.56", "1234",
    "-500", "−500" or "(500)" (accountants' brackets). ValueError for anything else."""
    text = str(text).strip().replace(" ", "").replace("\u00a0", "")
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1]
    elif text[:1] in ("-", "−"):  # a sign, or brackets: never both
        negative, text = True, text[1:]
    text = text.removeprefix("£")
    match = AMOUNT.match(text)
    if not match:
        raise ValueError(text)
    whole = int(match["whole"].replace(",", ""))
    pence = whole * 100 + int((match["part"] or "0").ljust(2, "0"))
    if pence > MOST_PENCE:
        raise ValueError(text)
    return -pence if negative else pence


class PoundsField(forms.Field):
    """An amount in pounds on the page, in pence in the database."""

    def __init__(self, *args, allow_negative=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.allow_negative = allow_negative
        self.widget.attrs.update({"inputmode": "decimal", "class": "text-end", "maxlength": "30"})

    def to_python(self, value):
        if isinstance(value, int):  # a disabled field's stored figure: pence already
            return value
        text = str(value or "").strip()
        if not text:
            return None
        if len(text) > 30:
            raise forms.ValidationError("Enter an amount in pounds of at most 30 characters.")
        try:
            pence = parse_pounds(text)
        except ValueError:
            raise forms.ValidationError(
                "Enter an amount in pounds, such as 12,500 or 12500.50.", code="invalid"
            ) from None
        if pence < 0 and not self.allow_negative:
            raise forms.ValidationError("A budget cannot be below zero.", code="negative")
        return pence

    def prepare_value(self, value):
        return finance.exact_pounds(value) if isinstance(value, int) else value


def year_choices(around, keep=None):
    """The financial years a line is likely for (ten back, fifteen on), and its own."""
    years = set(range(max(FIRST_YEAR, around - 10), min(LAST_YEAR, around + 15) + 1))
    years |= {keep} if keep else set()
    return [(year, finance.year_label(year)) for year in sorted(years)]


class FinanceLineForm(BoundedModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    budget = PoundsField(label="Approved budget (£)", required=False, allow_negative=False)
    spent = PoundsField(label="Spend to date (£)", required=False)
    forecast = PoundsField(label="Forecast outturn (£)", required=False)

    class Meta:
        model = FinanceLine
        fields = ["year", "kind", "budget", "spent", "forecast"]

    def __init__(self, *args, user=None, this_year=None, **kwargs):
        super().__init__(*args, **kwargs)
        around = this_year or finance.year_of(timezone.localdate())
        choices = year_choices(around, self.instance.year)
        self.fields["year"].widget = forms.Select(choices=[("", "---------"), *choices])
        if this_year and not self.instance.pk:
            self.initial.setdefault("year", this_year)
        if self.instance.pk:
            self.initial["version"] = self.instance.version
            # A line is its year and kind: to move figures, add a line and clear this one.
            self.fields["year"].disabled = self.fields["kind"].disabled = True
        if not finance.may_change_budget(user, self.instance):
            self.fields["budget"].disabled = True
            self.fields["budget"].help_text = BUDGET_AGREED

    def clean(self):
        cleaned = super().clean()
        stale = cleaned.get("version") != self.instance.version
        if self.instance.pk and stale and (self.has_changed() or self.typed_over_locked()):
            raise forms.ValidationError(STALE)
        return cleaned

    def typed_over_locked(self):
        """Whether a figure was typed that the form no longer takes: a budget set by the
        PMO after the page was opened locks the field, and what was typed there would
        otherwise be dropped without a word."""
        for name in ("budget", "spent", "forecast"):
            typed = self.data.get(self.add_prefix(name), "")
            if self.fields[name].disabled and str(typed).strip():
                try:
                    if self.fields[name].to_python(typed) != getattr(self.instance, name):
                        return True
                except forms.ValidationError:
                    return True
        return False

    def save(self, commit=True):
        if self.instance.pk and self.has_changed():
            self.instance.version += 1
        if {"budget", "spent", "forecast"} & set(self.changed_data):
            # Figures a person typed are theirs, no longer the finance system's extract.
            self.instance.from_finance_system = None
        return super().save(commit)


def line_name(year, kind):
    """ "2026-27 capital" """
    return f"{finance.year_label(year)} {dict(FinanceLine.Kind.choices)[kind].lower()}"


class BaseFinanceFormSet(GuardedInlineFormSet):
    def __init__(self, *args, user=None, this_year=None, **kwargs):
        self.user, self.this_year = user, this_year
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "user": self.user,
                "this_year": self.this_year}  # fmt: skip

    def clean(self):
        # Before Django's own check of unique lines, whose words are a programmer's.
        self.refuse_removing_agreed_budgets_and_repeats()
        super().clean()

    def refuse_removing_agreed_budgets_and_repeats(self):
        seen = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            stale = form.instance.pk and data.get("version") != form.instance.version
            if form in self.deleted_forms and stale:
                # Django skips a removed row's own errors: a removal from an old page
                # would drop figures someone saved since.
                raise forms.ValidationError(STALE)
            if form in self.deleted_forms:
                if form.instance.pk and not finance.may_change_budget(self.user, form.instance):
                    raise forms.ValidationError(
                        f"{line_name(form.instance.year, form.instance.kind)} has an approved "
                        "budget: only the PMO removes it."
                    )
                continue
            if not data.get("year") or not data.get("kind"):
                continue
            key = (data["year"], data["kind"])
            if key in seen:
                raise forms.ValidationError(SAME_LINE.format(line_name(*key)))
            seen.add(key)

    def save(self, commit=True):
        """Save, unless a line changed or removed here was saved by someone else since it
        was checked (the report form checks, then saves later): then SavedMeanwhile, and
        nothing is written."""
        with transaction.atomic():
            touched = {form.instance.pk: form.cleaned_data.get("version")
                       for form in self.initial_forms
                       if form.has_changed() or form in self.deleted_forms}  # fmt: skip
            stored = dict(FinanceLine.objects.select_for_update().filter(pk__in=touched)
                          .values_list("pk", "version"))  # fmt: skip
            if any(stored.get(pk) != version for pk, version in touched.items()):
                raise SavedMeanwhile
            return super().save(commit)

    @property
    def empty_form(self):
        form = self.form(auto_id=self.auto_id, prefix=self.add_prefix("__prefix__"),
                         empty_permitted=True, use_required_attribute=False,
                         user=self.user, this_year=self.this_year,
                         renderer=self.renderer)  # fmt: skip
        self.add_fields(form, None)
        return form


# The Money page: every line, with two empty ones to add a year or a kind.
FinanceFormSet = forms.inlineformset_factory(
    Project, FinanceLine, form=FinanceLineForm, formset=BaseFinanceFormSet, extra=2,
    can_delete=True,
)  # fmt: skip


class BaseReportMoneyFormSet(BaseFinanceFormSet):
    fixed_rows = "Add a financial year or a kind of money on the project's Money page."


# On a report: the lines of its financial year and later, to update spend and forecast.
ReportMoneyFormSet = forms.inlineformset_factory(
    Project, FinanceLine, form=FinanceLineForm, formset=BaseReportMoneyFormSet, extra=0,
    can_delete=False,
)  # fmt: skip

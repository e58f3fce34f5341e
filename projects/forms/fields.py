"""Building blocks every app's forms use: bounded free text, Markdown help, long selects,
month and partial-date fields."""

import datetime
import hashlib
import re
from html import escape

from django import forms
from django.core.validators import MaxLengthValidator
from django.forms.utils import flatatt
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from ..models import DatePrecision, Organisation, validate_year

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
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "marking" in self.fields:
            # An empty marking follows the organisation's default: say which that is.
            default = Organisation.current().default_marking
            self.fields["marking"].empty_label = f"The organisation's default ({default})"


# A choice (a marking, say) removed between the form's check and its commit: the database
# refuses the row at commit, and the person is told rather than shown an error page.
REMOVED_MEANWHILE = (
    "Nothing was saved: something this form refers to (a marking, a person or a programme) "
    "was removed while you were editing. Check the choices and save again."
)


VERSION_MISSING = (
    "Nothing was saved: the form did not say which version you saw (the page sends it). "
    "Open the page again, then make your changes."
)


class VersionRequired:
    """For a form with a hidden `version`, the version of the record the person saw: a form
    without it is refused (never saved over a change made meanwhile), with a sentence at the
    form's top, where the hidden field's own error would show nowhere."""

    def clean(self):
        cleaned = super().clean()
        if self.has_error("version"):
            del self._errors["version"]
            self.add_error(None, VERSION_MISSING)
        return cleaned


class SeenVersion:
    """For a record without a version column: the form carries a digest of the record as
    the person saw it and refuses to save over a record someone has changed since. The
    view holds the row (select_for_update) while it checks and saves."""

    stale_message = (
        "Someone else saved this after you opened it. Nothing was changed: open it again to "
        "see their changes, then make yours."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["seen"] = forms.CharField(
            widget=forms.HiddenInput, required=False, initial=self.stored_digest()
        )

    def stored_digest(self):
        if not self.instance.pk:
            return ""
        model = type(self.instance)
        names = [f.attname for f in model._meta.concrete_fields]
        row = model.objects.filter(pk=self.instance.pk).values(*names).first() or {}
        # The form's many-to-many fields too (a register's programmes, a project's
        # editors): two people ticking different boxes must not lose one's.
        for field in model._meta.many_to_many:
            if field.name in (self._meta.fields or ()):
                linked = getattr(model.objects.get(pk=self.instance.pk), field.name)
                row[field.name] = sorted(linked.values_list("pk", flat=True))
        return hashlib.sha256(repr(sorted(row.items())).encode()).hexdigest()

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("seen") != self.stored_digest():
            raise forms.ValidationError(self.stale_message, code="stale")
        return cleaned


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

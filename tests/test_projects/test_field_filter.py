"""{{ field|field }} (projects/templatetags/fields.py) gives crispy-bootstrap5's markup for
each kind of field the report form's formsets use, errors and help text included, with no
template per field (issue 23: the report edit page)."""

import re

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms

from projects.templatetags.fields import field


class Sample(forms.Form):
    name = forms.CharField(max_length=20, help_text="As people <em>write</em> it.")
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    status = forms.ChoiceField(choices=[("", "—"), ("g", "Green"), ("r", "Red & <b>")])
    due = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    done = forms.BooleanField(required=False, help_text="Ticked when it is done.")
    agreed = forms.BooleanField(label="Agreed <by> all")
    order = forms.IntegerField(min_value=0, required=False)
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)


def squeezed(html):
    html = re.sub(r"\s+", " ", str(html))
    return re.sub(r"\s*(<|>)\s*", r"\1", html)


@pytest.mark.parametrize("data", [None, {"name": "x" * 30, "status": "nope", "due": "soon",
                                         "order": "-1", "note": "<script>"}])  # fmt: skip
@pytest.mark.parametrize("name", list(Sample.base_fields))
def test_the_markup_is_crispys(name, data):
    ours, theirs = Sample(data, prefix="p"), Sample(data, prefix="p")
    if data is not None:
        ours.is_valid(), theirs.is_valid()
    assert squeezed(field(ours[name])) == squeezed(as_crispy_field(theirs[name]))


def test_a_form_with_a_helper_of_its_own_goes_through_crispy(monkeypatch):
    from crispy_forms.helper import FormHelper

    form = Sample(prefix="p")
    form.helper = FormHelper()
    called = []
    monkeypatch.setattr("projects.templatetags.fields.as_crispy_field",
                        lambda bound: called.append(bound.name) or "")  # fmt: skip
    field(form["name"])
    assert called == ["name"]

"""{{ form.field|field }}: a form field in crispy-bootstrap5's markup, written in Python.

The report edit page renders some forty fields of its formsets; crispy's `as_crispy_field`
renders each through a template of its own with several includes, which was 40% of the
page's time (issue 23). This gives the same markup (label, widget classes, errors, help
text) for the plain widgets those formsets use; anything else (a helper of its own, radio
buttons, a file input, a fieldset) still goes through crispy."""

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()

ASTERISK = mark_safe('<span class="asteriskField">*</span>')  # noqa: S308 # nosec B308


@register.filter
def field(bound):
    widget = bound.field.widget
    if bound.is_hidden:
        return str(bound)
    if (
        getattr(bound.form, "helper", None) is not None
        or getattr(bound, "use_fieldset", False)
        or isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple | forms.FileInput)
        or getattr(widget, "widgets", None)
        or hasattr(widget, "widget")
    ):
        return as_crispy_field(bound)
    checkbox = isinstance(widget, forms.CheckboxInput)
    if checkbox:
        kind = "form-check-input"
    elif isinstance(widget, forms.Select):
        kind = "form-select"
    else:
        kind = "form-control"
    classed(widget, kind + (" is-invalid" if bound.errors else ""))
    required = " requiredField" if bound.field.required else ""
    star = ASTERISK if bound.field.required else ""
    css = f" {bound.css_classes()}" if bound.css_classes() else ""
    after = format_html("{}{}", errors(bound), help_text(bound))
    if checkbox:
        label = format_html('<label for="{}" class="form-check-label{}">{}{}</label>',
                            bound.id_for_label, required, bound.label, star)  # fmt: skip
        inner = format_html('<div id="div_{}" class="form-check{}">{}{}{}</div>',
                            bound.auto_id, css, str(bound), label, after)  # fmt: skip
        return format_html('<div class="mb-3">{}</div>', inner)
    label = ""
    if bound.label:
        target = format_html(' for="{}"', bound.id_for_label) if bound.id_for_label else ""
        label = format_html('<label{} class="form-label{}">{}{}</label>',
                            target, required, bound.label, star)  # fmt: skip
    return format_html('<div id="div_{}" class="mb-3{}">{}{}{}</div>',
                       bound.auto_id, css, label, str(bound), after)  # fmt: skip


def classed(widget, kinds):
    """As crispy's {% crispy_field %}: the widget's own class name, then the pack's."""
    name = widget.__class__.__name__.lower()
    css = widget.attrs.get("class", "")
    if css and name not in css:
        css += f" {name}"
    widget.attrs["class"] = css or name
    present = widget.attrs["class"].split()
    widget.attrs["class"] += "".join(f" {kind}" for kind in kinds.split() if kind not in present)


def errors(bound):
    if not bound.errors:
        return ""
    lines = format_html_join(
        "", '<p id="error_{}_{}"><strong>{}</strong></p>',
        ((number, bound.auto_id, error) for number, error in enumerate(bound.errors, 1)),
    )  # fmt: skip
    return format_html('<div id="{}_error" class="invalid-feedback">{}</div>',
                       bound.errors.field_id, lines)  # fmt: skip


def help_text(bound):
    if not bound.help_text:
        return ""
    target = format_html('id="{}_helptext" ', bound.auto_id) if bound.auto_id else ""
    # crispy prints help text as written (|safe): it is ours, never a user's.
    text = mark_safe(bound.help_text)  # noqa: S308  # nosec B308 B703
    return format_html('<div {}class="form-text">{}</div>', target, text)

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from projects import report_templates
from projects.text import render_markdown

register = template.Library()

# A constant of our own, no user text in it.
NOT_RATED = mark_safe('<span class="rag-badge not-rated">Not rated</span>')  # noqa: S308  # nosec B308


@register.filter
def markdown(text):
    """Markdown rendered and sanitised (projects/text.py)."""
    return render_markdown(text)


@register.simple_tag
def rag_badge(status):
    """A RAG status as its name beside a swatch of its colour (an SVG, so no inline style
    is needed under the CSP). Works with a RagStatus or the dict a print gather makes."""
    if not status:
        return NOT_RATED
    colour = status["colour"] if isinstance(status, dict) else status.colour
    name = status["name"] if isinstance(status, dict) else status.name
    return format_html(
        '<span class="rag-badge"><svg width="14" height="14" viewBox="0 0 14 14" '
        'aria-hidden="true" focusable="false"><circle cx="7" cy="7" r="6.5" fill="{}" '
        'stroke="#444" stroke-width="0.5"/></svg>{}</span>',
        colour,
        name,
    )


@register.filter
def section_headings(headings, body):
    """{% with h=data.headings|section_headings:project.governance_body %}: every section's
    heading, as the report's template words it."""
    return report_templates.complete(headings, body or "the board")

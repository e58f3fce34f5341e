from django import template
from django.template.loader import render_to_string

from projects.text import render_markdown

register = template.Library()


@register.filter
def markdown(text):
    """Markdown rendered and sanitised (projects/text.py)."""
    return render_markdown(text)


@register.simple_tag
def rag_badge(status):
    """A RAG status as its name beside a swatch of its colour (an SVG, so no inline style
    is needed under the CSP). Works with a RagStatus or the dict a print gather makes."""
    return render_to_string("projects/_rag_badge.html", {"status": status})

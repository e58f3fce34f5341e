import re

from django import template
from django.utils.html import conditional_escape, format_html
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


@register.simple_tag
def overall_status(report, ratings):
    """The report's own word for its overall status ("On Track"), else the overall RAG's
    name; "" when it has neither."""
    if report.get("status_word"):
        return report["status_word"]
    for rating in ratings:
        if rating["dimension"].lower() == "overall" and rating["status"]:
            return rating["status"]["name"]
    return ""


# An ordinal's letters after its number (7th, 2nd), and the superscript a paste from Word
# brings (7<sup>th</sup>), as they read once escaped.
ORDINAL = re.compile(r"(?<=\d)(st|nd|rd|th)\b")
PASTED_SUP = re.compile(r"&lt;sup&gt;(st|nd|rd|th)&lt;/sup&gt;", re.IGNORECASE)


@register.filter
def plain(text):
    """A plain field (no Markdown) as written, escaped, with its ordinals set as
    superscripts the way the document it came from printed them (7th September)."""
    escaped = conditional_escape(text or "")
    escaped = PASTED_SUP.sub(r"\1", escaped)
    return mark_safe(ORDINAL.sub(r"<sup>\1</sup>", escaped))  # noqa: S308 (escaped above)  # nosec B308 B703


@register.filter
def bracket_on_its_own(text):
    """ "£1,500 under (0.3 %)" with a line break allowed only before the bracket, so a
    narrow figures column breaks it there rather than a word a line."""
    head, bracket, tail = str(text).partition(" (")
    if not bracket:
        return format_html('<span class="nowrap">{}</span>', head)
    return format_html('<span class="nowrap">{}</span> <span class="nowrap">({}</span>',
                       head, tail)  # fmt: skip


@register.filter
def any_gives(lines, key):
    """Whether any line gives `key`: a column nobody's line fills is left out."""
    return any(line.get(key) for line in lines or ())


@register.filter
def raid_groups(lines):
    """A report's open RAID items by kind: [("Issues", lines), ("Actions", lines)...]."""
    from .. import raid

    return raid.grouped(lines)

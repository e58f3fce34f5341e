"""Markdown for the long text fields of reports, registers and plans.

Users write Markdown (with the odd bit of HTML pasted from Word, such as 7<sup>th</sup>);
markdown-it-py renders it and nh3 (Ammonia) keeps only the tags and attributes below, so
nothing a user types reaches a page or a PDF as live HTML. Images are not allowed: a PDF
must never fetch anything a user chose.
"""

import nh3
from django.utils.safestring import mark_safe
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": True, "breaks": False}).enable(
    ["table", "strikethrough"]
)

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "sup", "sub", "del", "s",
    "ul", "ol", "li", "h2", "h3", "h4", "h5", "h6", "blockquote", "code", "pre", "hr",
    "table", "thead", "tbody", "tr", "th", "td", "a",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"align"}, "td": {"align"}, "ol": {"start"}}


def render_markdown(text, top=3):
    """Sanitised HTML for a Markdown text, safe to put in a template as it is. Its headings
    start at level `top`: a report section owns h1 and h2; a statement page only h1."""
    if not text:
        return mark_safe("")  # noqa: S308 (an empty string)  # nosec B308
    # Headings from a pasted document start at level 1.
    html = _markdown.render(text)
    for level in range(1, top):
        html = html.replace(f"<h{level}>", f"<h{top}>").replace(f"</h{level}>", f"</h{top}>")
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return mark_safe(cleaned)  # noqa: S308 (sanitised by nh3 just above)  # nosec B308 B703

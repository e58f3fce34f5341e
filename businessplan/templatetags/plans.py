from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()

WIDTH, HEIGHT = 320, 18


@register.simple_tag
def status_bar(summary):
    """A section's activities as one bar split by status, with each part's status and count
    as a tooltip and the whole in words for screen readers."""
    if not summary.total:
        return ""
    x, parts = 0.0, []
    for _status, label, colour, count in summary.counts:
        width = WIDTH * count / summary.total
        parts.append((x, width, colour, f"{label}: {count}"))
        x += width
    words = ", ".join(f"{label} {count}" for _s, label, _c, count in summary.counts)
    return format_html(
        '<svg class="status-bar" width="{}" height="{}" viewBox="0 0 {} {}" role="img" '
        'aria-label="{}: {}">{}</svg>',
        WIDTH, HEIGHT, WIDTH, HEIGHT, summary.section.name, words,
        format_html_join(
            "",
            '<g><title>{}</title><rect x="{}" y="0" width="{}" height="{}" fill="{}" '
            'stroke="#505a5f" stroke-width="0.5"/></g>',
            ((title, f"{left:.1f}", f"{width:.1f}", HEIGHT, colour)
             for left, width, colour, title in parts),
        ),
    )  # fmt: skip

from django import template
from django.utils.html import format_html, format_html_join

register = template.Library()

CELL, GAP = 12, 3


@register.simple_tag
def trend_svg(trend):
    """A row of squares, one a month, coloured by the overall RAG and lettered with the
    status's initial, each with its month and status as a tooltip; screen readers get the
    same in words. Built in Python: at 50 rows a template per cell is the page's main cost."""
    width = len(trend) * (CELL + GAP) - GAP
    cells = []
    for i, (month, status) in enumerate(trend):
        x = i * (CELL + GAP)
        if status:
            shape = format_html(
                '<rect x="{}" y="0" width="{}" height="{}" rx="2" fill="{}"/>'
                '<text x="{}" y="9.5" font-size="8" text-anchor="middle" fill="{}" '
                'font-family="sans-serif">{}</text>',
                x, CELL, CELL, status.colour, x + CELL / 2, status.text_colour, status.name[:1],
            )  # fmt: skip
        else:
            shape = format_html(
                '<rect x="{}" y="1" width="{}" height="{}" rx="2" fill="none" stroke="#b1b4b6" '
                'stroke-dasharray="2 1"/>',
                x + 1, CELL - 2, CELL - 2,
            )  # fmt: skip
        name = status.name if status else "no approved report"
        cells.append((f"{month:%B %Y}", name, shape))
    label = ", ".join(f"{month:%b %Y} {s.name if s else 'no report'}" for month, s in trend)
    return format_html(
        '<svg class="trend" width="{}" height="{}" viewBox="0 0 {} {}" role="img" '
        'aria-label="Overall RAG, last 12 months: {}">{}</svg>',
        width, CELL, width, CELL, label,
        format_html_join("", "<g><title>{}: {}</title>{}</g>", cells),
    )  # fmt: skip

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join

register = template.Library()

CELL = 56


@register.simple_tag
def band_badge(assessment):
    """A score as number, band name and colour swatch: "12 Red"."""
    if assessment is None:
        return "—"
    band = assessment.band
    return format_html(
        '<span class="rag-badge"><svg width="14" height="14" viewBox="0 0 14 14" '
        'aria-hidden="true" focusable="false"><rect x="0.5" y="0.5" width="13" height="13" '
        'rx="2" fill="{}" stroke="#444" stroke-width="0.5"/></svg>{} {}</span>',
        band.colour if band else "#ffffff",
        assessment.score,
        band.name if band else "no band",
    )


@register.simple_tag
def heat_map_svg(rows, kind, register_slug, title):
    """A probability × impact grid, each cell coloured by its band, showing its count and
    linking to the register filtered to that cell. Cells with risks outside appetite are
    outlined. Screen readers get each cell in words."""
    size = len(rows)
    columns = len(rows[0]) if rows else 0
    left, bottom = 34, 30
    width, height = left + columns * CELL + 2, size * CELL + bottom
    base = reverse("risks:register", args=[register_slug])
    cells = []
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            x, y = left + c * CELL, r * CELL
            label = (
                f"{title}: probability {cell.probability} {cell.probability_label}, impact "
                f"{cell.impact} {cell.impact_label}, score {cell.probability * cell.impact}"
                f" {cell.band.name if cell.band else ''}: {cell.count} risk"
                f"{'s' if cell.count != 1 else ''}"
                + (f", {cell.outside_appetite} outside appetite" if cell.outside_appetite else "")
            )
            shape = format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="{}" '
                'stroke-width="{}"/>',
                x + 1,
                y + 1,
                CELL - 2,
                CELL - 2,
                cell.band.colour if cell.band else "#ffffff",
                "#0b0c0c" if cell.outside_appetite else "#ffffff",
                3 if cell.outside_appetite else 1,
            )
            text = format_html(
                '<text x="{}" y="{}" text-anchor="middle" font-size="16" font-weight="bold" '
                'fill="{}">{}</text>',
                x + CELL / 2,
                y + CELL / 2 + 6,
                cell.band.text_colour if cell.band else "#0b0c0c",
                cell.count or "",
            )
            if cell.count:
                href = f"{base}?cell={kind}-{cell.probability}-{cell.impact}"
                cells.append(
                    format_html(
                        '<a href="{}" aria-label="{}"><title>{}</title>{}{}</a>',
                        href,
                        label,
                        label,
                        shape,
                        text,
                    )
                )
            else:
                cells.append(format_html("<g><title>{}</title>{}</g>", label, shape))
    axis = format_html_join(
        "",
        '<text x="{}" y="{}" font-size="11" text-anchor="middle" fill="#4a5360">{}</text>',
        [
            (left + c * CELL + CELL / 2, size * CELL + 14, i + 1)
            for c, i in enumerate(range(columns))
        ]
        + [(left - 12, r * CELL + CELL / 2 + 4, size - r) for r in range(size)],
    )
    return format_html(
        '<svg class="heat-map" width="{}" height="{}" viewBox="0 0 {} {}" role="group" '
        'aria-label="{} heat map">{}{}<text x="{}" y="{}" font-size="11" text-anchor="middle" '
        'fill="#4a5360">Impact</text><text x="10" y="{}" font-size="11" fill="#4a5360" '
        'transform="rotate(-90 10 {})" text-anchor="middle">Probability</text></svg>',
        width,
        height,
        width,
        height,
        title,
        format_html_join("", "{}", ((c,) for c in cells)),
        axis,
        left + columns * CELL / 2,
        size * CELL + 28,
        size * CELL / 2,
        size * CELL / 2,
    )

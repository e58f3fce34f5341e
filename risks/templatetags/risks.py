from django import template
from django.urls import reverse
from django.utils.html import format_html

register = template.Library()

# Heat-map geometry, in SVG units: a cell, and the room for the axes' numbers and names.
CELL, LEFT, BOTTOM = 56, 34, 30


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


@register.inclusion_tag("risks/_heat_map.html")
def heat_map(rows, kind, register_slug, title):
    """A probability × impact grid, each cell coloured by its band, showing its count and
    linking to the register filtered to that cell; cells with risks outside appetite are
    outlined. Here only the geometry and the words: the drawing is the template."""
    size, columns = len(rows), len(rows[0]) if rows else 0
    base = reverse("risks:register", args=[register_slug])
    cells = [
        {
            "cell": cell,
            "x": LEFT + c * CELL + 1,
            "y": r * CELL + 1,
            "middle": LEFT + c * CELL + CELL / 2,
            "baseline": r * CELL + CELL / 2 + 6,
            "label": _cell_label(title, cell),
            "href": f"{base}?cell={kind}-{cell.probability}-{cell.impact}" if cell.count else "",
        }
        for r, row in enumerate(rows)
        for c, cell in enumerate(row)
    ]
    return {
        "title": title,
        "cells": cells,
        "side": CELL - 2,
        "width": LEFT + columns * CELL + 2,
        "height": size * CELL + BOTTOM,
        "impacts": [(LEFT + c * CELL + CELL / 2, c + 1) for c in range(columns)],
        "probabilities": [(r * CELL + CELL / 2 + 4, size - r) for r in range(size)],
        "axis_y": size * CELL + 14,
        "impact_x": LEFT + columns * CELL / 2,
        "impact_y": size * CELL + 28,
        "middle_y": size * CELL / 2,
    }


def _cell_label(title, cell):
    """A cell in words, for screen readers and the tooltip."""
    risks = f"{cell.count} risk{'s' if cell.count != 1 else ''}"
    breaches = f", {cell.outside_appetite} outside appetite" if cell.outside_appetite else ""
    return (
        f"{title}: probability {cell.probability} {cell.probability_label}, impact "
        f"{cell.impact} {cell.impact_label}, score {cell.score}"
        f" {cell.band.name if cell.band else ''}: {risks}{breaches}"
    )

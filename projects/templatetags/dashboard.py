from django import template
from django.template.loader import render_to_string

register = template.Library()

CELL, GAP = 12, 3


@register.simple_tag
def trend_svg(trend):
    """A row of squares, one a month, coloured by the overall RAG, each with its month and
    status as a tooltip; screen readers get the same in words."""
    cells = [
        {
            "x": i * (CELL + GAP),
            "month": month,
            "status": status,
            "letter": status.name[0] if status else "",
        }
        for i, (month, status) in enumerate(trend)
    ]
    return render_to_string(
        "projects/_trend.html",
        {"cells": cells, "width": len(cells) * (CELL + GAP) - GAP, "size": CELL},
    )

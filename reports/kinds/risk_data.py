"""What the risk register and the board pack print of risks, written once for both."""

from .base import band


def heat_map(caption, rows, impact_labels):
    """A probability × impact grid of counts (rows from risks.registers), as the shared
    print include ``pdf/_heat_map.html`` draws it."""
    return {
        "caption": caption,
        "impact_labels": impact_labels,
        "rows": [
            {
                "probability": f"{row[0].probability} {row[0].probability_label}",
                "cells": [
                    {
                        "count": cell.count,
                        "breaches": cell.outside_appetite,
                        "colour": cell.band.colour if cell.band else "#ffffff",
                        "text_colour": cell.band.text_colour if cell.band else "#000000",
                        "label": f"{cell.probability_label} × {cell.impact_label}",
                    }
                    for cell in row
                ],
            }
            for row in rows
        ],
    }


def top_risk(risk, matrix, **extra):
    """A line of a list of risks by residual score."""
    from risks import scoring

    return {
        "ref": risk.ref,
        "title": risk.title,
        "owner": risk.owner_display,
        "residual": band(scoring.assess(matrix, risk.residual_probability, risk.residual_impact)),
        "outside_appetite": scoring.outside_appetite(risk, matrix),
        **extra,
    }

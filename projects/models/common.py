"""Validators and date helpers shared by the projects models (and by risks for colours)."""

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Enter a colour as #rrggbb.")
project_code = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
    "Use letters, digits, dots, dashes and underscores (e.g. SORPv.1).",
)


def contrast_text_colour(colour):
    """Black or white, whichever reads better on a #rrggbb colour (WCAG luminance)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#000000" if luminance > 0.179 else "#ffffff"


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


def format_partial_date(value, precision):
    """Print a date as precisely as it was given: 05/06/2011, June 2011 or 2013."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return str(value.year)
    if precision == DatePrecision.MONTH:
        return value.strftime("%B %Y")
    return value.strftime("%d/%m/%Y")


# Dates people type are kept within these years: far enough either way for any programme,
# and clear of the calendar's ends, where working out a due date or the next period would
# run off the end of the calendar.
FIRST_YEAR, LAST_YEAR = 1900, 2199


def validate_year(day):
    if day and not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValidationError(
            f"Enter a date between {FIRST_YEAR} and {LAST_YEAR}.", code="out_of_range"
        )

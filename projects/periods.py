"""Month arithmetic, written once: reporting periods, the dashboard's months, review dates and
board packs all count months the same way, across year ends and short months."""

import calendar
import datetime


def add_months(day, months):
    """The first day of the month `months` after `day`'s month (before it, when negative)."""
    month = day.month - 1 + months
    return day.replace(year=day.year + month // 12, month=month % 12 + 1, day=1)


def previous_month(day):
    """The first day of the month before `day`'s."""
    return add_months(day, -1)


def month_end(day):
    """The last day of `day`'s month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def months_later(day, months):
    """The same day of the month `months` on, or that month's last day when it is shorter
    (31 January and a month is 28 or 29 February)."""
    first = add_months(day, months)
    return first.replace(day=min(day.day, month_end(first).day))


def months_spanned(start, end):
    """How many calendar months a period touches: 1 for a month, 5 for January – May."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


def calendar_period(day, months):
    """(first day, last day) of the block of `months` calendar months holding `day`, the
    blocks counted from January: its month for 1, its calendar quarter for 3."""
    start = add_months(day, -((day.month - 1) % months))
    return start, month_end(add_months(start, months - 1))


def parse_month(text):
    """ "2024-03" (as URLs and `--period` write a month) as 1 March 2024; ValueError else."""
    return datetime.datetime.strptime(text, "%Y-%m").date()


def period_label(start, end):
    """ "August 2011", "January – May 2024" or "November 2023 – February 2024"."""
    if (start.year, start.month) == (end.year, end.month):
        return start.strftime("%B %Y")
    if start.year == end.year:
        return f"{start:%B} – {end:%B %Y}"
    return f"{start:%B %Y} – {end:%B %Y}"


def financial_year(day, start_month):
    """The financial year a day falls in, written as plans write it: "2019-20" for
    15/06/2019 when the year starts in April."""
    first = day.year if day.month >= start_month else day.year - 1
    return f"{first}-{(first + 1) % 100:02d}"

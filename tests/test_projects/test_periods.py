"""Month arithmetic (projects.periods): across year ends, in short months and on the 31st,
as reporting periods, the dashboard, risk reviews and board packs count months."""

from datetime import date as D

import pytest

from projects import periods


@pytest.mark.parametrize(
    "day, months, first",
    [
        (D(2024, 1, 31), 1, D(2024, 2, 1)),
        (D(2024, 11, 15), 2, D(2025, 1, 1)),  # over the year end
        (D(2024, 12, 31), 1, D(2025, 1, 1)),
        (D(2024, 1, 1), -1, D(2023, 12, 1)),  # back over the year end
        (D(2024, 3, 31), -13, D(2023, 2, 1)),
        (D(2024, 6, 30), 0, D(2024, 6, 1)),
        (D(2024, 5, 10), 24, D(2026, 5, 1)),
    ],
)
def test_add_months_gives_the_first_of_the_month(day, months, first):
    assert periods.add_months(day, months) == first


@pytest.mark.parametrize(
    "day, previous",
    [
        (D(2024, 1, 15), D(2023, 12, 1)),
        (D(2024, 3, 31), D(2024, 2, 1)),
        (D(2024, 12, 1), D(2024, 11, 1)),
    ],
)
def test_previous_month(day, previous):
    assert periods.previous_month(day) == previous


@pytest.mark.parametrize(
    "day, end",
    [
        (D(2024, 2, 1), D(2024, 2, 29)),  # a leap year
        (D(2023, 2, 14), D(2023, 2, 28)),
        (D(2024, 4, 30), D(2024, 4, 30)),
        (D(2024, 12, 5), D(2024, 12, 31)),
    ],
)
def test_month_end(day, end):
    assert periods.month_end(day) == end


@pytest.mark.parametrize(
    "day, months, later",
    [
        (D(2024, 1, 15), 1, D(2024, 2, 15)),
        (D(2024, 1, 31), 1, D(2024, 2, 29)),  # the 31st in a shorter month: its last day
        (D(2023, 1, 31), 1, D(2023, 2, 28)),
        (D(2024, 3, 31), 1, D(2024, 4, 30)),
        (D(2024, 12, 31), 1, D(2025, 1, 31)),  # over the year end
        (D(2024, 12, 15), 1, D(2025, 1, 15)),
        (D(2024, 8, 31), 6, D(2025, 2, 28)),
    ],
)
def test_months_later_keeps_the_day_or_the_months_last(day, months, later):
    assert periods.months_later(day, months) == later


@pytest.mark.parametrize(
    "start, end, months",
    [
        (D(2024, 3, 1), D(2024, 3, 31), 1),
        (D(2024, 1, 1), D(2024, 5, 31), 5),
        (D(2023, 11, 1), D(2024, 2, 29), 4),  # over the year end
    ],
)
def test_months_spanned(start, end, months):
    assert periods.months_spanned(start, end) == months


@pytest.mark.parametrize(
    "day, months, period",
    [
        (D(2024, 2, 29), 1, (D(2024, 2, 1), D(2024, 2, 29))),
        (D(2024, 5, 31), 3, (D(2024, 4, 1), D(2024, 6, 30))),  # the calendar quarter
        (D(2024, 12, 31), 3, (D(2024, 10, 1), D(2024, 12, 31))),
        (D(2025, 1, 1), 3, (D(2025, 1, 1), D(2025, 3, 31))),
    ],
)
def test_calendar_period(day, months, period):
    assert periods.calendar_period(day, months) == period


def test_parse_month():
    assert periods.parse_month("2024-03") == D(2024, 3, 1)
    for wrong in ("2024-13", "March 2024", "2024-3-1", "2024-03-01"):
        with pytest.raises(ValueError):
            periods.parse_month(wrong)


@pytest.mark.parametrize(
    "start, end, label",
    [
        (D(2011, 8, 1), D(2011, 8, 31), "August 2011"),
        (D(2024, 1, 1), D(2024, 5, 31), "January – May 2024"),
        (D(2023, 11, 1), D(2024, 2, 29), "November 2023 – February 2024"),
    ],
)
def test_period_label(start, end, label):
    assert periods.period_label(start, end) == label

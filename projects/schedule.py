"""When highlight reports are due: each project's reporting periods, and the due date of
each, a number of working days (no weekends or bank holidays) after the period ends."""

import datetime
from dataclasses import dataclass
from functools import lru_cache

import holidays
from django.conf import settings
from django.db.models import Max, Min
from django.utils import timezone

from .models import HighlightReport, Project
from .periods import add_months, calendar_period, month_end, period_label


# Every year Highlight takes (1900-2199: models.common.validate_year) fits.
@lru_cache(maxsize=512)
def _bank_holidays(year):
    return holidays.country_holidays(
        settings.BANK_HOLIDAYS_COUNTRY, subdiv=settings.BANK_HOLIDAYS_SUBDIVISION, years=year
    )


def bank_holidays(year):
    """The year's bank holidays (BANK_HOLIDAYS_COUNTRY and _SUBDIVISION), as dates."""
    return _bank_holidays(year)


def is_working_day(day):
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


@lru_cache(maxsize=4096)
def add_working_days(day, count):
    while count > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


PERIOD_MONTHS = {Project.Cadence.MONTHLY: 1, Project.Cadence.QUARTERLY: 3}


def period_containing(project, day):
    """The reporting period holding `day`: its month, or its calendar quarter."""
    return calendar_period(day, PERIOD_MONTHS[project.reporting_cadence])


def due_date(project, period_end):
    return add_working_days(period_end, project.report_due_working_days)


def covering(reports, start, end):
    """The reports that together cover every day of a period, or None if a day is missed.
    `reports` are (period_start, period_end, first_submitted_at) of submitted reports."""
    needed, reached = [], start
    for r_start, r_end, submitted in sorted(reports):
        if r_end < reached or r_start > end:
            continue
        if r_start > reached:
            return None
        needed.append(submitted)
        reached = r_end + datetime.timedelta(days=1)
        if reached > end:
            return needed
    return None


@dataclass(frozen=True)
class Due:
    project: Project
    period_start: datetime.date
    period_end: datetime.date
    due: datetime.date
    report: HighlightReport | None  # the unsubmitted draft, if one was started

    @property
    def period_label(self):
        return period_label(self.period_start, self.period_end)


def outstanding_reports(projects, today, months_back=3):
    """Reports not yet submitted for periods that have ended in the last `months_back`
    months (or end within the reminder window), for projects with a regular cadence, in
    one query for the reports whatever the number of projects."""
    projects = [
        p
        for p in projects
        if p.status == Project.Status.ACTIVE and p.reporting_cadence in PERIOD_MONTHS
    ]
    if not projects:
        return []
    earliest = add_months(today, -months_back)
    # Reporting starts with the project's start date or, when it has none, its first report;
    # a project with neither is not chased.
    first_reports = dict(
        HighlightReport.objects.filter(project__in=projects)
        .values("project")
        .annotate(first=Min("period_start"))
        .values_list("project", "first")
    )
    reports = {}
    for report in HighlightReport.objects.filter(
        project__in=projects, period_end__gte=earliest
    ).order_by("period_start"):
        reports.setdefault(report.project_id, []).append(report)
    window = datetime.timedelta(days=settings.REPORT_REMINDER_DAYS_BEFORE)
    found = []
    for project in projects:
        reporting_from = project.start or first_reports.get(project.pk)
        if reporting_from is None:
            continue
        start, end = period_containing(project, max(earliest, reporting_from))
        while start <= today + window:
            due = due_date(project, end)
            ended_after = project.end and start > project.end
            if due - window <= today and not ended_after:
                mine = reports.get(project.pk, [])
                submitted = [
                    (r.period_start, r.period_end, r.first_submitted_at)
                    for r in mine
                    if r.first_submitted_at
                ]
                if covering(submitted, start, end) is None:
                    draft = next(
                        (
                            r
                            for r in mine
                            if not r.first_submitted_at
                            and r.period_start <= end
                            and r.period_end >= start
                        ),
                        None,
                    )
                    found.append(Due(project, start, end, due, draft))
            start, end = period_containing(project, end + datetime.timedelta(days=1))
    return sorted(found, key=lambda d: (d.due, d.project.code))


def periods_between(project, first_day, last_day):
    """The project's reporting periods that end between two days."""
    return _periods_between(PERIOD_MONTHS[project.reporting_cadence], first_day, last_day)


@lru_cache(maxsize=4096)
def _periods_between(months, first_day, last_day):
    # Periods depend only on the cadence and the dates, and a portfolio's projects share
    # a handful of them: the dashboard asks the same question for every project.
    periods = []
    start, end = calendar_period(first_day, months)
    while end <= last_day:
        if end >= first_day:
            periods.append((start, end))
        start, end = calendar_period(end + datetime.timedelta(days=1), months)
    return tuple(periods)


@dataclass(frozen=True)
class Punctuality:
    on_time: int
    expected: int

    @property
    def rate(self):
        return round(100 * self.on_time / self.expected) if self.expected else None


def punctuality(projects, first_day, last_day, today):
    """{project id: Punctuality}: of the reports due (by `today`) for periods ending between
    two days, how many were first submitted by their due date. In two queries.

    Approved reports only: the dashboard shows this to everyone signed in, and a draft or a
    submission awaiting approval is its team's to know of (the hostile review of issue 17).
    A report counts, on time or not by its first submission, once it is approved."""
    projects = [p for p in projects if p.reporting_cadence in PERIOD_MONTHS]
    reports = HighlightReport.objects.filter(status=HighlightReport.Status.APPROVED)
    spans = {
        project: (first, last)
        for project, first, last in reports.filter(project__in=projects)
        .values("project")
        .annotate(first=Min("period_start"), last=Max("period_end"))
        .values_list("project", "first", "last")
    }
    submitted = {}
    for project_id, start, end, first_submitted in reports.filter(
        project__in=projects, period_end__gte=first_day, period_start__lte=last_day
    ).values_list("project_id", "period_start", "period_end", "first_submitted_at"):
        if first_submitted:
            submitted.setdefault(project_id, []).append((start, end, first_submitted))
    result = {}
    for project in projects:
        first, last = spans.get(project.pk, (None, None))
        reporting_from = project.start or first
        # A closed project owes nothing after its end date or, without one, its last report.
        reporting_until = project.end or (last if project.status == Project.Status.CLOSED else None)
        on_time = expected = 0
        if reporting_from is not None:
            for start, end in periods_between(project, max(first_day, reporting_from), last_day):
                due = due_date(project, end)
                if due >= today or (reporting_until and start > reporting_until):
                    continue
                expected += 1
                needed = covering(submitted.get(project.pk, []), start, end)
                on_time += bool(needed) and all(timezone.localdate(w) <= due for w in needed)
        result[project.pk] = Punctuality(on_time, expected)
    return result


def why_none_due(project, month):
    """Why no report was due from a project for a month, in words for a board; "" when one
    was (so a report that is not there is missing)."""
    last_day = month_end(month)
    if project.reporting_cadence == Project.Cadence.AS_REQUIRED:
        return "it reports as required, and none was asked for"
    if project.start and project.start > last_day:
        return f"it starts {_on(project.start_display, project.start_precision)}"
    if project.end and written_end(project.end, project.end_precision) < month:
        return f"it ended {_on(project.end_display, project.end_precision)}"
    start, end = period_containing(project, month)
    if end > last_day:
        return f"it reports quarterly: {period_label(start, end)} is reported after it ends"
    due = due_date(project, end)
    if due > timezone.localdate():
        return f"it is due on {due:%d/%m/%Y}"
    return ""


def written_end(day, precision):
    """The last day an end written as "2013" or "June 2013" stands for."""
    if precision == "year":
        return datetime.date(day.year, 12, 31)
    if precision == "month":
        return month_end(day)
    return day


def _on(written, precision):
    return f"on {written}" if precision == "day" else f"in {written}"

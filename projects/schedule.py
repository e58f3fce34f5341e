"""When highlight reports are due: each project's reporting periods, and the due date of
each, a number of working days (no weekends or bank holidays) after the period ends."""

import datetime
from dataclasses import dataclass
from functools import lru_cache

import holidays
from django.conf import settings
from django.db.models import Min
from django.utils import timezone

from .models import HighlightReport, Project, month_end, period_label


@lru_cache(maxsize=64)
def _bank_holidays(year):
    return holidays.country_holidays(
        settings.BANK_HOLIDAYS_COUNTRY, subdiv=settings.BANK_HOLIDAYS_SUBDIVISION, years=year
    )


def is_working_day(day):
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


@lru_cache(maxsize=4096)
def add_working_days(day, count):
    while count > 0:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            count -= 1
    return day


def _add_months(day, months):
    month = day.month - 1 + months
    return day.replace(year=day.year + month // 12, month=month % 12 + 1, day=1)


PERIOD_MONTHS = {Project.Cadence.MONTHLY: 1, Project.Cadence.QUARTERLY: 3}


def period_containing(project, day):
    """The reporting period holding `day`: its month, or its calendar quarter."""
    months = PERIOD_MONTHS[project.reporting_cadence]
    start = day.replace(day=1)
    start = _add_months(start, -((start.month - 1) % months))
    return start, month_end(_add_months(start, months - 1))


def due_date(project, period_end):
    return add_working_days(period_end, project.report_due_working_days)


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

    def days_overdue(self, today):
        return (today - self.due).days


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
    earliest = _add_months(today.replace(day=1), -months_back)
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
                covering = [
                    r
                    for r in reports.get(project.pk, [])
                    if r.period_start <= end and r.period_end >= start
                ]
                if not any(r.first_submitted_at for r in covering):
                    draft = covering[0] if covering else None
                    found.append(Due(project, start, end, due, draft))
            start, end = period_containing(project, end + datetime.timedelta(days=1))
    return sorted(found, key=lambda d: (d.due, d.project.code))


def periods_between(project, first_day, last_day):
    """The project's reporting periods that end between two days."""
    start, end = period_containing(project, first_day)
    while end <= last_day:
        if end >= first_day:
            yield start, end
        start, end = period_containing(project, end + datetime.timedelta(days=1))


@dataclass(frozen=True)
class Punctuality:
    on_time: int
    expected: int

    @property
    def rate(self):
        return round(100 * self.on_time / self.expected) if self.expected else None


def punctuality(projects, first_day, last_day, today):
    """{project id: Punctuality}: of the reports due (by `today`) for periods ending between
    two days, how many were first submitted by their due date. In two queries."""
    projects = [p for p in projects if p.reporting_cadence in PERIOD_MONTHS]
    first_reports = dict(
        HighlightReport.objects.filter(project__in=projects)
        .values("project")
        .annotate(first=Min("period_start"))
        .values_list("project", "first")
    )
    submitted = {}
    for project_id, start, end, first_submitted in HighlightReport.objects.filter(
        project__in=projects, period_end__gte=first_day, period_start__lte=last_day
    ).values_list("project_id", "period_start", "period_end", "first_submitted_at"):
        submitted.setdefault(project_id, []).append((start, end, first_submitted))
    result = {}
    for project in projects:
        reporting_from = project.start or first_reports.get(project.pk)
        on_time = expected = 0
        if reporting_from is not None:
            for start, end in periods_between(project, max(first_day, reporting_from), last_day):
                due = due_date(project, end)
                if due >= today or (project.end and start > project.end):
                    continue
                expected += 1
                on_time += any(
                    s <= end and e >= start and when and timezone.localdate(when) <= due
                    for s, e, when in submitted.get(project.pk, [])
                )
        result[project.pk] = Punctuality(on_time, expected)
    return result

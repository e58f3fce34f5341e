"""Rules for creating, carrying forward and editing highlight reports."""

import datetime
import re

from django.db import IntegrityError, transaction
from django.db.models import F
from simple_history.utils import bulk_create_with_history

from . import finance, milestones, tolerances
from .models import (
    Concern,
    Deliverable,
    HighlightReport,
    Project,
    RagDimension,
    RagRating,
    WorkstreamProgress,
)
from .periods import add_months, month_end, months_spanned


class StaleReport(Exception):
    """Someone else saved or moved the report after this form was opened."""


class ReportExists(Exception):
    pass


def create_report(project, period_start, period_end=None, **fields):
    """A new draft for a period, with an unrated line for every active RAG dimension and a
    progress section for every workstream of the project."""
    period_end = period_end or month_end(period_start)
    try:
        with transaction.atomic():
            # Locking the project serialises report creation for it, so the overlap check
            # below cannot race with another request.
            Project.objects.select_for_update().filter(pk=project.pk).first()
            overlapping = project.reports.filter(
                period_start__lte=period_end, period_end__gte=period_start
            ).first()
            if overlapping:
                raise ReportExists(
                    f"{project.code} already has a report for {overlapping.period_label}, "
                    "which overlaps that period."
                )
            report = HighlightReport.objects.create(
                project=project, period_start=period_start, period_end=period_end, **fields
            )
            bulk_create_with_history(
                [
                    RagRating(report=report, dimension=dimension)
                    for dimension in RagDimension.objects.filter(active=True)
                ],
                RagRating,
            )
            bulk_create_with_history(
                [
                    WorkstreamProgress(report=report, workstream=workstream)
                    for workstream in project.workstreams.all()
                ],
                WorkstreamProgress,
            )
    except IntegrityError as exc:
        # The database's unique constraint decides when two people create at once.
        raise ReportExists(f"{project.code} already has a report for that period.") from exc
    return report


# Fields a new report copies from the last one: a report starts as a copy of the last
# (DESIGN.md), except what is about this period only.
CARRIED_FIELDS = [
    "status_word",
    "percent_complete",
    "summary",
    "issues",
    "risks_narrative",
    "decisions_required",
    "governance",
    "communication",
    "deliverables_title",
]


def next_period(project, last):
    """The period after the last report: to the end of the calendar month or quarter the
    day after it falls in (so reports realign with the reporting calendar), or, for
    reports made as required, as long as the last one."""
    from .schedule import PERIOD_MONTHS, period_containing

    start = last.period_end + datetime.timedelta(days=1)
    if project.reporting_cadence in PERIOD_MONTHS:
        return start, period_containing(project, start)[1]
    months = months_spanned(last.period_start, last.period_end)
    return start, month_end(add_months(start, months - 1))


def start_next_report(project):
    """The next period's draft, made from the last report: its plan for next period becomes
    this period's plan, open concerns and unfinished deliverables carry over, and each RAG
    line starts from last period's status (its comment is written afresh)."""
    last = project.reports.order_by("-period_start").first()
    if last is None:
        raise ReportExists(f"{project.code} has no report yet to carry forward.")
    try:
        start, end = next_period(project, last)
    except OverflowError:
        raise ReportExists(f"{project.code}'s last report is at the end of the calendar.") from None
    with transaction.atomic():
        report = create_report(
            project,
            start,
            end,
            planned_this_period=last.next_period,
            **{field: getattr(last, field) for field in CARRIED_FIELDS},
        )
        last_statuses = dict(last.ratings.values_list("dimension_id", "status_id"))
        for rating in report.ratings.all():
            if last_statuses.get(rating.dimension_id):
                rating.status_id = last_statuses[rating.dimension_id]
                rating.save()
        last_steps = dict(last.workstream_progress.values_list("workstream_id", "next_steps"))
        for progress in report.workstream_progress.all():
            if last_steps.get(progress.workstream_id):
                progress.planned = last_steps[progress.workstream_id]
                progress.save()
        bulk_create_with_history(
            [
                Concern(
                    report=report,
                    concern=c.concern,
                    countermeasure=c.countermeasure,
                    order=c.order,
                )
                for c in last.concerns.filter(resolved=False)
            ],
            Concern,
        )
        bulk_create_with_history(
            [
                Deliverable(
                    report=report,
                    workstream_id=d.workstream_id,
                    description=d.description,
                    status=d.status,
                    due_date=d.due_date,
                    forecast_date=d.forecast_date,
                    order=d.order,
                )
                for d in last.deliverables.exclude(status=Deliverable.Status.COMPLETE)
            ],
            Deliverable,
        )
    return report


def add_missing_workstreams(report):
    """Workstreams added to the project after the report was started get their section."""
    have = set(report.workstream_progress.values_list("workstream_id", flat=True))
    missing = [w for w in report.project.workstreams.all() if w.pk not in have]
    if missing:
        bulk_create_with_history(
            [WorkstreamProgress(report=report, workstream=w) for w in missing],
            WorkstreamProgress,
        )


def save_report(form, formsets, expected_version, writer=None):
    """Save the report form and its formsets, unless the report has changed since the form
    was opened: then nothing is written and StaleReport is raised, so the user keeps what
    they typed and can merge it by hand. The `writer` becomes one of the report's writers,
    who may not approve it."""
    report = form.instance
    with transaction.atomic():
        bumped = HighlightReport.objects.filter(
            pk=report.pk,
            version=expected_version,
            status__in=(HighlightReport.Status.DRAFT, HighlightReport.Status.RETURNED),
        ).update(version=F("version") + 1)
        if not bumped:
            raise StaleReport
        report.version = expected_version + 1
        form.save()
        for formset in formsets:
            formset.save()
        if writer is not None:
            report.writers.add(writer)
    return report


def previous_approved_report(report):
    """The last approved report before this one: its RAG is "last period" on this one."""
    return (
        HighlightReport.objects.filter(
            project_id=report.project_id,
            status=HighlightReport.Status.APPROVED,
            period_start__lt=report.period_start,
        )
        .order_by("-period_start")
        .first()
    )


def previous_ratings(report):
    """{dimension id: RagRating} for last period: what the report itself states
    (RagRating.stated_previous, a report brought in from before Highlight), else the
    previous approved report's. The report's own words win: an older report approved
    later is not the period it spoke of."""
    previous = previous_approved_report(report)
    before = {}
    if previous is not None:
        before = {r.dimension_id: r for r in previous.ratings.select_related("status", "dimension")}
    for rating in report.ratings.select_related("stated_previous"):
        if rating.stated_previous is not None:
            before[rating.dimension_id] = RagRating(
                dimension_id=rating.dimension_id, status=rating.stated_previous
            )
    return before


def comment_needed(status, previous_status, suggestion=None):
    """Why a RAG line must carry a comment, or None. The report should answer "why is it
    Red?" before anyone asks: statuses marked requires_comment (Red, Amber…), any change
    since the last approved report, and a rating better than the PMO's tolerances suggest
    (`suggestion`, from projects.tolerances) need one."""
    if tolerances.better_than(status, suggestion):
        return f"say why it is {status.name} when {suggestion.reason}"
    if status is not None and status.requires_comment:
        return f"say why it is {status.name}"
    if previous_status is not None and status != previous_status:
        now = status.name if status else "not rated"
        return f"say why it changed from {previous_status.name} to {now}"
    return None


def unexplained(lines):
    """The RAG lines that need a comment and have none, as "Overall: say why it is Red".
    `lines` are (dimension name, comment_needed() for the line, comment): submitting reads
    them from the ratings (rag_comment_problems), the report's page from what it prints."""
    return [
        f"{name}: {reason}" for name, reason, comment in lines if reason and not comment.strip()
    ]


def rag_comment_problems(ratings, previous, suggested=None):
    """unexplained() for `ratings` with their dimension and status loaded; `previous` from
    previous_ratings(), `suggested` from live_suggestions()."""
    suggested = suggested or {}
    lines = []
    for rating in ratings:
        before = previous.get(rating.dimension_id)
        reason = comment_needed(rating.status, before.status if before else None,
                                suggested.get(rating.dimension.measures))  # fmt: skip
        lines.append((rating.dimension.name, reason, rating.comment))
    return unexplained(lines)


def missing_rag_comments(report):
    ratings = report.ratings.select_related("dimension", "status")
    return rag_comment_problems(ratings, previous_ratings(report), live_suggestions(report))


def live_suggestions(report, lines=None):
    """What the tolerances suggest for the report's budget and timeline lines, from the
    project's money (or `lines`, FinanceLines with figures not yet saved) and key
    milestones as they stand."""
    if lines is None:
        lines = report.project.finance.all()
    money = finance.report_money(lines, finance.report_years(report))
    return tolerances.suggestions(money, milestones.worst_live_slip(report.project))


# What people write in a decisions box when they ask for nothing ("- N/A" in the
# safeguarding sample), once Markdown's marks and the full stop are taken off.
NOTHING_ASKED = re.compile(
    r"^(|n/?a|none|nil|no|not applicable|nothing( to report)?|none (required|this (month|period))"
    r"|no (decisions?|recommendations?)( (are |is )?(required|needed|this (month|period)))?)$"
)


def asks_for_decision(text):
    """Whether a report's decisions and recommendations ask the board for anything."""
    words = re.sub(r"[*_#>`]|^\s*([-+]|\d+[.)])\s+", " ", text or "", flags=re.MULTILINE)
    words = " ".join(words.split()).strip(" .-–—").lower()
    return not NOTHING_ASKED.match(words)

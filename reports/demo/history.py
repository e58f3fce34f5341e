"""Eighteen months of highlight reports for the living demo, written once per project.

Last month's reports go through the real workflow (projects.reporting.start_next_report,
projects.workflow: submit, approve, return_to_manager, reopen), so their history, approved
snapshots and PDFs are real; each step is then dated when it would have happened. Older reports are made approved in bulk,
as the monthly cycle left them: dated history rows, and each frozen as approval freezes it
(so a board pack for any month reads them), but no PDF: the monthly run made those at the
time, and only last month's run is replayed (pack.py). So seeding renders a few dozen PDFs,
not hundreds, and takes seconds.
"""

import contextlib
import datetime

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, F, Value, When
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from projects import notifications, workflow
from projects.models import Concern, HighlightReport, RagDimension, RagRating
from projects.periods import add_months
from projects.reporting import create_report, start_next_report
from projects.schedule import add_working_days

from ..kinds import get_kind
from ..models import Document
from . import words
from .portfolio import PROJECTS, SPECS
from .writing import Writer, last_working_day, seeded

Status = HighlightReport.Status
# The steps of each way a report goes, after it is written.
STEPS = {
    "approved": ("submitted", "approved"),
    "submitted": ("submitted",),
    "returned": ("submitted", "returned"),
    "reopened": ("submitted", "approved", "reopened"),
    "draft": (),
    "resubmitted": ("submitted", "returned", "resubmitted", "approved"),
}
# Working days after the period ends that the manager submits (a report is due after
# five, so now and then one is late), and between later steps.
SUBMITTED_AFTER = (1, 2, 2, 3, 3, 4, 4, 5, 5, 7)
STEP_AFTER = (1, 1, 2, 3)


@contextlib.contextmanager
def unannounced():
    """Seeding writes down months that have passed: nobody is emailed about a report
    approved last year. The workflow's emails all go through notifications.send, which
    sends nothing meanwhile."""
    send = notifications.send
    notifications.send = lambda *args, **kwargs: None
    try:
        yield
    finally:
        notifications.send = send


def seed(projects, users, plans, statuses, anchor):
    """The reports of each project that has none yet (a demo user may move them on
    later); returns how many were written."""
    now = timezone.now()
    pending = {code: plan for code, plan in plans.items() if not projects[code].reports.exists()}
    texts = {code: writer_for(code, plans, statuses, anchor).write_all() for code in pending}
    older = [
        (projects[code], period, text)
        for code, plan in pending.items()
        for period, text in zip(plan, texts[code], strict=True)
        if not period.workflow
    ]
    approved_in_bulk(older, users, statuses, now)
    with unannounced():
        for code, plan in pending.items():
            for period, text in zip(plan, texts[code], strict=True):
                if period.workflow:
                    through_workflow(projects[code], period, text, users, statuses, now)
    return sum(len(plan) for plan in pending.values())


def writer_for(code, plans, statuses, anchor):
    spec = SPECS[code]
    start = add_months(anchor, spec.started)
    if spec.is_programme:
        children = [(p, plans[p.code]) for p in PROJECTS if p.programme == code]
        return Writer(spec, plans[code], start, statuses, children=children)
    return Writer(spec, plans[code], start, statuses, programme=SPECS[spec.programme])


def approved_in_bulk(older, users, statuses, now):
    """The older reports, approved on their dates, with their RAG lines, concerns and a
    history row each (by whoever did it, when), then frozen."""
    if not older:
        return
    reports = []
    for project, period, text in older:
        spec = SPECS[project.code]
        times = timeline(period, STEPS["approved"], seeded(project.code, period.start, "t"), now)
        report = HighlightReport(
            project=project,
            period_start=period.start,
            period_end=period.end,
            status=Status.APPROVED,
            submitted_by=users[spec.manager],
            submitted_at=times["submitted"],
            first_submitted_at=times["submitted"],
            approved_by=users[spec.sponsor],
            approved_at=times["approved"],
            **text.fields,
        )
        report._history_date, report._history_user = times["approved"], report.approved_by
        reports.append(report)
    HighlightReport.objects.bulk_create(reports, batch_size=500)
    # Stamped now as they were saved; they were written back then.
    HighlightReport.objects.filter(pk__in=[r.pk for r in reports]).update(
        created_at=F("submitted_at"), updated_at=F("approved_at")
    )
    for report in reports:
        report.created_at, report.updated_at = report.submitted_at, report.approved_at
    HighlightReport.history.bulk_history_create(reports, batch_size=500)
    lines(reports, [(period, text) for _, period, text in older], statuses)
    freeze = get_kind("highlight_report").freeze
    for report in HighlightReport.objects.filter(pk__in=[r.pk for r in reports]).select_related(
        "project__sponsor", "project__manager", "project__parent", "approved_by"
    ):
        freeze(report)


def lines(reports, written, statuses):
    dimensions = list(RagDimension.objects.filter(active=True))
    ratings, concerns = [], []
    for report, (period, text) in zip(reports, written, strict=True):
        for dimension in dimensions:
            name = dimension.name
            rating = RagRating(
                report=report,
                dimension=dimension,
                status=statuses[period.ratings[name]],
                comment=text.comments[name],
            )
            rating._history_date, rating._history_user = report.submitted_at, report.submitted_by
            ratings.append(rating)
        for order, (concern, countermeasure) in enumerate(text.concerns):
            row = Concern(
                report=report, concern=concern, countermeasure=countermeasure, order=order
            )
            row._history_date, row._history_user = report.submitted_at, report.submitted_by
            concerns.append(row)
    bulk_create_with_history(ratings, RagRating, batch_size=1000)
    bulk_create_with_history(concerns, Concern, batch_size=1000)


def through_workflow(project, period, text, users, statuses, now):
    spec = SPECS[project.code]
    manager, sponsor = users[spec.manager], users[spec.sponsor]
    steps = STEPS[period.state]
    times = timeline(period, steps, seeded(project.code, period.start, "t"), now)
    dates = Backdating()
    dates.step(times["written"])
    # It starts, as any report does, as a copy of the one before.
    if project.reports.exists():
        report = start_next_report(project)
    else:
        report = create_report(project, period.start, period.end)
    fill(report, text.fields, manager)
    for rating in report.ratings.select_related("dimension"):
        rating.status = statuses[period.ratings[rating.dimension.name]]
        rating.comment = text.comments[rating.dimension.name]
        rating._history_user = manager
        rating.save()
    bulk_create_with_history(
        [Concern(report=report, concern=c, countermeasure=m) for c, m in text.concerns],
        Concern,
        default_user=manager,
    )
    for step in steps:
        dates.step(times[step])
        take(step, report, manager, sponsor, users)
    dates.apply(report.pk)
    if "approved" in steps:
        settle_pdf(report)
    return report


def settle_pdf(report):
    """workflow.approve froze the report and asked for its PDF as at the approval's real
    time. With the approval dated, the snapshot is taken again and the queued PDF is for
    the data it now holds (it renders from the snapshot once the seed commits). A report
    the PMO has reopened since keeps no approved PDF: it was reopened before the run."""
    spec = get_kind("highlight_report")
    queued = Document.objects.filter(
        kind=spec.name,
        source_type=ContentType.objects.get_for_model(HighlightReport),
        source_id=report.pk,
        status=Document.Status.QUEUED,
    )
    report.refresh_from_db()
    if report.status != Status.APPROVED:
        queued.delete()
        return
    spec.freeze(report)
    queued.update(fingerprint=spec.approved_fingerprint(report))


def fill(report, fields, manager):
    for name, value in fields.items():
        setattr(report, name, value)
    report._history_user = manager
    report.version += 1
    report.save()


def take(step, report, manager, sponsor, users):
    code = report.project.code
    if step == "submitted":
        workflow.submit(report, manager)
    elif step == "approved":
        workflow.approve(report, sponsor)
    elif step == "returned":
        comment = words.SPONSOR_COMMENTS.get(code, words.RETURNED_BEFORE_COMMENT)
        workflow.return_to_manager(report, sponsor, comment)
    elif step == "resubmitted":
        fill(report, {"achievements": report.achievements + words.RESUBMITTED}, manager)
        workflow.submit(report, manager)
    elif step == "reopened":
        workflow.reopen(report, users["pmo"], words.REOPEN_REASON)


def at(day, rng):
    return timezone.make_aware(
        datetime.datetime.combine(day, datetime.time(rng.randint(8, 17), rng.randint(0, 59)))
    )


def timeline(period, steps, rng, now):
    """{step: when}: written on the period's last working day, submitted a few working days
    after it ends, each later step a working day or more after the one before. Never after
    now: last month's steps are squeezed in before it."""
    times = [at(last_working_day(period.end), rng)]
    for number, _ in enumerate(steps):
        after = rng.choice(STEP_AFTER if number else SUBMITTED_AFTER)
        times.append(at(add_working_days(max(times[-1].date(), period.end), after), rng))
    latest = now - datetime.timedelta(minutes=5)
    if times[-1] > latest:
        first = min(times[0], latest)
        times = [first + (t - first) * ((latest - first) / (times[-1] - first)) for t in times]
    return dict(zip(("written", *steps), times, strict=True))


class Backdating:
    """The rules stamp what they record with the time they run; a demo report's steps are
    dated when they would have happened. Each step is marked as it starts with the time it
    stands for; apply() then moves every timestamp the steps wrote for the report (its
    own, and its history's and its RAG lines' and concerns' history) to its step's time."""

    REPORT_TIMES = ("created_at", "updated_at", "submitted_at", "first_submitted_at", "approved_at")

    def __init__(self):
        self.marks = []

    def step(self, when):
        self.marks.append((timezone.now(), when))

    def moved(self, name):
        latest_first = [When(**{f"{name}__gte": m}, then=Value(w)) for m, w in self.marks[::-1]]
        return Case(*latest_first, default=F(name))

    def apply(self, pk):
        history = HighlightReport.history.model
        HighlightReport.objects.filter(pk=pk).update(
            **{name: self.moved(name) for name in self.REPORT_TIMES}
        )
        history.objects.filter(id=pk).update(
            **{name: self.moved(name) for name in (*self.REPORT_TIMES, "history_date")}
        )
        # A report starts dated the day it is started (its "date of update" defaults to it).
        written = timezone.localdate(self.marks[0][1])
        history.objects.filter(id=pk, report_date=timezone.localdate()).update(report_date=written)
        for model in (RagRating, Concern):
            model.history.model.objects.filter(report_id=pk).update(
                history_date=self.moved("history_date")
            )

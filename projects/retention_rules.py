"""The projects app's lines of the retention schedule (projects/retention.py): highlight
reports, uploaded spreadsheets, and the lines a setting decides (the audit, leavers,
backups); and what its records sit under, for legal holds."""

import datetime

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from . import retention, uploads
from .models import HighlightReport, ImportJob, Project
from .retention import Due, expires, latest_start

SIX_YEARS = (
    "Contract and negligence claims can be brought for six years (Limitation Act 1980), and "
    "the Local Government Association's retention guidelines keep project records six years "
    "after the project closes."
)
Status = HighlightReport.Status


def ever_approved():
    """A report approved once (and perhaps reopened since): the record, not a draft."""
    history = HighlightReport.history.model.objects.filter(
        id=OuterRef("pk"), status=Status.APPROVED
    )
    return Q(status=Status.APPROVED) | Exists(history)


@retention.records(
    "approved_reports", "Approved highlight reports and their PDFs", amount=6, unit="years",
    counted_from="after the project closed", reason=SIX_YEARS, order=10,
)  # fmt: skip
def approved_reports(rule, until):
    reports = (
        HighlightReport.objects.filter(
            ever_approved(),
            project__status=Project.Status.CLOSED,
            project__closed_on__lte=latest_start(rule, until),
        )
        .select_related("project__parent")
        .order_by("project__closed_on", "project__code", "period_start")
    )
    for report in reports.iterator(chunk_size=500):
        yield Due(report, str(report), expires(rule, report.project.closed_on),
                  report.get_absolute_url())  # fmt: skip


@retention.records(
    "unapproved_reports", "Highlight reports never approved (drafts and returned reports)",
    amount=1, unit="years", counted_from="after the end of the month they report on",
    reason="A report nobody approved is a working paper, not the record: it is kept a year "
    "in case it is finished late. A report waiting for its sponsor is kept until the project "
    "closes, then counts from the closing.",
    order=20,
)  # fmt: skip
def unapproved_reports(rule, until):
    latest = latest_start(rule, until)
    waiting = Q(status=Status.SUBMITTED, project__status=Project.Status.CLOSED,
                project__closed_on__lte=latest)  # fmt: skip
    reports = (
        HighlightReport.objects.filter(period_end__lte=latest)
        .filter(Q(status__in=(Status.DRAFT, Status.RETURNED)) | waiting)
        .exclude(ever_approved())
        .select_related("project__parent")
        .order_by("period_end", "project__code")
    )
    for report in reports.iterator(chunk_size=500):
        start = report.period_end
        if report.status == Status.SUBMITTED:
            start = max(start, report.project.closed_on)
        yield Due(report, str(report), expires(rule, start), report.get_absolute_url())


@retention.records(
    "imports", "Uploaded spreadsheets and their previews", amount=7, unit="days",
    counted_from="after they were uploaded",
    reason="An upload is kept only until it is imported or abandoned: what it changed is in "
    "the records and their history.",
    order=70,
)  # fmt: skip
def imports(rule, until):
    # An import a worker may still be running is left to finish (the time limit is minutes).
    busy = Q(status__in=ImportJob.ACTIVE, created_at__gte=timezone.now() - datetime.timedelta(1))
    jobs = (
        ImportJob.objects.filter(created_at__date__lte=latest_start(rule, until))
        .exclude(busy)
        .order_by("created_at")
    )
    for job in jobs:
        uploaded = timezone.localdate(job.created_at)
        yield Due(job, f"{job.name}, uploaded {uploaded:%-d %b %Y}", expires(rule, uploaded))


@retention.sits_under(Project)
def project_parents(project):
    return (project.parent,) if project.parent_id else ()


@retention.sits_under(HighlightReport)
def report_parents(report):
    return (report.project,)


@retention.sits_under(ImportJob)
def upload_parents(job):
    model = ContentType.objects.get_for_id(job.target_type_id).model_class()
    target = model._default_manager.filter(pk=job.target_id).first() if model else None
    return (target,) if target is not None else ()


@retention.removed_with
def uploads_for(going):
    """The uploads waiting for a record that goes."""
    for model, pks in going.items():
        if model is not ImportJob and pks:
            content_type = ContentType.objects.get_for_model(model)
            yield ImportJob.objects.filter(target_type=content_type, target_id__in=pks)


def upload_files(pks):
    return [uploads.file_of(job) for job in ImportJob.objects.filter(pk__in=pks)]


retention.files_of(ImportJob, upload_files)
retention.holdable("Projects and programmes", lambda: Project.objects.order_by("code"))
retention.fixed(
    "The audit (sign-ins, downloads, exports, changes of rights …)",
    lambda: f"{settings.AUDIT_RETENTION_DAYS} days",
    lambda: (
        "Long enough to look into an incident or a complaint; set by "
        "AUDIT_RETENTION_DAYS and removed each night. What the retention schedule removed, and "
        "legal holds, are kept for good: they are the record of what was destroyed and why."
    ),
)
retention.fixed(
    "Leavers' names, email addresses and job titles",
    lambda: f"{settings.LEAVER_RETENTION_DAYS} days after the account was switched off",
    lambda: (
        "Then replaced by \u201cFormer member of staff N\u201d everywhere, history and "
        "the audit included, so records still read; approved PDFs already issued are not "
        "rewritten. Set by LEAVER_RETENTION_DAYS."
    ),
)
retention.fixed(
    "Backups",
    lambda: "as the organisation's backup policy says",
    lambda: (
        "Backups (make backup) leave Highlight: a removal or an anonymisation reaches a "
        "backup only when that backup expires. A restored backup brings back what was removed "
        "since; the next night's run removes it again."
    ),
)

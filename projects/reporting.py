"""Rules for creating and editing highlight reports."""

from django.db import IntegrityError, transaction
from django.db.models import F

from .models import HighlightReport, RagDimension, RagRating, month_end


class StaleReport(Exception):
    """Someone else saved or moved the report after this form was opened."""


class ReportExists(Exception):
    pass


def create_report(project, period_start, period_end=None, **fields):
    """A new draft for a period, with an unrated line for every active RAG dimension."""
    period_end = period_end or month_end(period_start)
    try:
        with transaction.atomic():
            report = HighlightReport.objects.create(
                project=project, period_start=period_start, period_end=period_end, **fields
            )
            RagRating.objects.bulk_create(
                RagRating(report=report, dimension=dimension)
                for dimension in RagDimension.objects.filter(active=True)
            )
    except IntegrityError as exc:
        # The database's unique constraint decides when two people create at once.
        raise ReportExists(f"{project.code} already has a report for that period.") from exc
    return report


def save_report(form, formsets, expected_version):
    """Save the report form and its formsets, unless the report has changed since the form
    was opened: then nothing is written and StaleReport is raised, so the user keeps what
    they typed and can merge it by hand."""
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
    """{dimension id: RagRating} from the previous approved report (empty if none)."""
    previous = previous_approved_report(report)
    if previous is None:
        return {}
    return {
        rating.dimension_id: rating
        for rating in previous.ratings.select_related("status", "dimension")
    }

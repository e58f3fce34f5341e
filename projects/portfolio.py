"""Reading the portfolio: projects' latest status, and the reports people owe."""

from django.db.models import OuterRef, Prefetch, Q, Subquery
from django.utils import timezone

from . import access, schedule
from .models import HighlightReport, Project, RagRating


def latest_status(projects, user):
    """Projects, each with `latest` set to its latest report the user may read (with its
    ratings prefetched), in three queries whatever the number of projects."""
    readable = access.visible_reports(user, HighlightReport.objects.all())
    latest_pk = Subquery(
        readable.filter(project=OuterRef("pk")).order_by("-period_start").values("pk")[:1]
    )
    projects = list(projects.annotate(latest_pk=latest_pk))
    reports = HighlightReport.objects.filter(
        pk__in=[p.latest_pk for p in projects if p.latest_pk]
    ).prefetch_related(
        Prefetch("ratings", queryset=RagRating.objects.select_related("dimension", "status"))
    )
    by_pk = {r.pk: r for r in reports}
    for project in projects:
        project.latest = by_pk.get(project.latest_pk)
        if project.latest:
            project.latest.project = project
    return projects


def reports_due_for(user, today=None):
    """Reports the user has to write: not yet submitted, due soon or overdue, for the
    projects they manage or edit."""
    today = today or timezone.localdate()
    projects = Project.objects.filter(Q(manager=user) | Q(editors=user)).distinct()
    return schedule.outstanding_reports(projects, today)

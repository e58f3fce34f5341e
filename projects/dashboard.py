"""The portfolio dashboard: every project's position as at a month, read from approved
reports only (the portfolio's agreed position), exceptions first.

A project's "current" report is its latest approved report starting on or before the end
of the month; "previous" is the approved report before that. Exceptions are projects whose
current RAG has a status that needs a comment (Red, Amber…) or changed since the previous
report; projects with no approved report come next. The page costs the same number of
queries for 10 projects or 1,000: ordering and filtering happen in SQL, and the rows shown
fetch their ratings and trends in one query each.
"""

import datetime
import hashlib
import uuid
from dataclasses import dataclass, field

import django_filters
from django import forms
from django.core.cache import cache
from django.db import transaction
from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce

from . import finance, milestones
from .forms import MonthField
from .models import (
    HighlightReport,
    Organisation,
    Project,
    RagDimension,
    RagRating,
    RagStatus,
    User,
)
from .periods import add_months, month_end

APPROVED = HighlightReport.Status.APPROVED
TREND_MONTHS = 12
PAGE_SIZE = 50
NO_REPORT = "none"


# What the dashboard has worked out stays cached until a change it shows is saved (see
# portfolio_changed); the time limit only bounds how long a change made behind the ORM's
# back (a raw UPDATE) can go unseen.
CACHE_SECONDS = 15 * 60
VERSION_KEY = "dashboard:version"
QUERY_FIELDS = (
    "month", "programme", "sponsor", "manager", "rag", "slipped", "overspent", "page",
)  # fmt: skip


def data_version():
    """A token naming the portfolio as it stands: forgotten on every change, so entries
    cached under an older token are never read again."""
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY)
    return version


def portfolio_changed():
    cache.delete(VERSION_KEY)


def note_change(sender, instance=None, update_fields=None, **kwargs):
    """Signal receiver for every model the dashboard shows. Forgets the cached dashboard at
    once (so the person who made the change sees it) and again after commit, in case a
    reader cached the old data in between."""
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return  # a sign-in changes nothing the dashboard shows
    shown = kwargs.get("raw") or changes_what_it_shows(instance)  # raw: loaddata, a restore
    if isinstance(instance, HighlightReport):
        instance.approved_in_database = instance.status == APPROVED and "created" in kwargs
    if shown:
        portfolio_changed()
        transaction.on_commit(portfolio_changed)


def changes_what_it_shows(instance):
    """The dashboard reads approved reports only. A report neither approved now nor as it
    was stored, or one of its RAG lines, leaves it as it is: at month-end managers save
    drafts several times a minute, and each would otherwise empty the cache that every
    director's dashboard is read from (the soak's finding: a 660 ms median)."""
    report = instance
    if isinstance(instance, RagRating):
        # Only when the line holds its report already: reading it here would cost a query.
        report = instance._state.fields_cache.get("report")
    if not isinstance(report, HighlightReport):
        return True
    return report.status == APPROVED or report.approved_in_database


def cache_key(part, query, today):
    """A key for one part of the dashboard as asked for (only the fields the page reads, so
    made-up parameters cannot fill the cache) on one day (punctuality counts to today)."""
    asked = "&".join(f"{name}={value}" for name in QUERY_FIELDS for value in query.getlist(name))
    digest = hashlib.sha256(asked.encode()).hexdigest()[:32]
    return f"dashboard:{part}:{data_version()}:{today.isoformat()}:{digest}"


def overall_dimension():
    return RagDimension.objects.filter(active=True).order_by("order", "name").first()


def with_position(projects, month, overall):
    """Annotate projects with their current and previous approved reports, the worst
    comment-needing severity of the current RAG, whether a line changed, the current overall
    status, and an exception rank to sort on."""
    approved = HighlightReport.objects.filter(project=OuterRef("pk"), status=APPROVED)
    current = approved.filter(period_start__lte=month_end(month)).order_by("-period_start")
    projects = projects.annotate(
        current_pk=Subquery(current.values("pk")[:1]),
        current_start=Subquery(current.values("period_start")[:1]),
        # The current report's furthest key-milestone slippage, as approved (days).
        slip_days=Subquery(current.values("key_milestones_slip_days")[:1]),
        # Its financial year's budget and forecast outturn, as approved (pence).
        money_budget=Subquery(current.values("money_budget")[:1]),
        money_forecast=Subquery(current.values("money_forecast")[:1]),
        money_over=Subquery(current.values("money_over_percent")[:1]),
    )
    previous = HighlightReport.objects.filter(
        project=OuterRef("pk"), status=APPROVED, period_start__lt=OuterRef("current_start")
    ).order_by("-period_start")
    lines = RagRating.objects.filter(report=OuterRef("current_pk"), dimension__active=True)
    status_before = RagRating.objects.filter(
        report=OuterRef(OuterRef("previous_pk")), dimension=OuterRef("dimension")
    ).values("status_id")[:1]
    # As the report's own rule (reporting.comment_needed): a line changed when it was rated
    # last time and is not the same now; a first rating is not a change.
    changed_lines = (
        lines.annotate(
            # What the report states for last period (RagRating.stated_previous) where it
            # states it, else the previous report's: reporting.previous_ratings' rule.
            before=Coalesce(
                "stated_previous_id", Subquery(status_before), output_field=IntegerField()
            ),
            now=Coalesce("status_id", Value(-1), output_field=IntegerField()),
        )
        .filter(before__isnull=False)
        .exclude(before=F("now"))
    )
    return projects.annotate(
        previous_pk=Subquery(previous.values("pk")[:1]),
        worst=Coalesce(
            Subquery(
                lines.filter(status__requires_comment=True)
                .order_by("-status__severity")
                .values("status__severity")[:1]
            ),
            Value(-1),
        ),
        overall_status=Subquery(lines.filter(dimension=overall).values("status_id")[:1]),
    ).annotate(
        changed=Exists(changed_lines),
        rank=Case(
            When(Q(worst__gte=0) | Q(changed=True), then=Value(2)),
            When(current_pk__isnull=True, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        ),
    )


class TickBox(forms.CheckboxInput):
    """A tick box that reads "0", "false" and "off" in a shared link as unticked (Django's
    reads any other text as ticked)."""

    def value_from_datadict(self, data, files, name):
        return str(data.get(name, "")).strip().lower() in ("1", "on", "true", "yes")


class DashboardFilter(django_filters.FilterSet):
    programme = django_filters.ModelChoiceFilter(
        field_name="parent",
        queryset=Project.objects.filter(kind=Project.Kind.PROGRAMME),
        empty_label="All programmes",
    )
    sponsor = django_filters.ModelChoiceFilter(
        queryset=User.objects.filter(sponsored_projects__isnull=False).distinct(),
        empty_label="All sponsors",
    )
    manager = django_filters.ModelChoiceFilter(
        queryset=User.objects.filter(managed_projects__isnull=False).distinct(),
        empty_label="All managers",
    )
    rag = django_filters.ChoiceFilter(
        label="Overall RAG", method="filter_rag", empty_label="Any overall RAG"
    )

    slipped = django_filters.NumberFilter(
        label="Key milestone late by over (weeks)", method="filter_slipped", min_value=0,
        max_value=520,
    )  # fmt: skip

    overspent = django_filters.BooleanFilter(
        label="Forecast over budget beyond tolerance", method="filter_overspent",
        widget=TickBox,
    )  # fmt: skip

    class Meta:
        model = Project
        fields = ["programme", "sponsor", "manager", "rag", "slipped", "overspent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["rag"].extra["choices"] = [
            *((str(s.pk), s.name) for s in RagStatus.objects.all()),
            (NO_REPORT, "No approved report"),
        ]

    def filter_slipped(self, queryset, name, value):
        return queryset.filter(slip_days__gt=int(value * 7))

    def filter_overspent(self, queryset, name, value):
        """The current report's money over budget (its year's total or any line of it) by
        more than the PMO's Amber tolerance (its Red one, if Amber is off; any overspend,
        if both are)."""
        if not value:
            return queryset
        organisation = Organisation.current()
        tolerance = organisation.budget_amber_percent
        if tolerance is None:
            tolerance = organisation.budget_red_percent or 0
        return queryset.filter(money_over__gt=tolerance)

    def filter_rag(self, queryset, name, value):
        if value == NO_REPORT:
            return queryset.filter(current_pk__isnull=True)
        return queryset.filter(overall_status=value)


class MonthForm(forms.Form):
    month = MonthField(label="As at", required=False)


@dataclass
class Row:
    project: Project
    current: HighlightReport | None
    lines: list  # (dimension, current RagStatus or None, previous RagStatus or None)
    trend: list  # (month, RagStatus or None), oldest first
    changed: bool
    stale: bool  # the current report is older than the month asked for
    milestones: str = ""  # the current report's worst key-milestone slippage, in words
    money: object = None  # the current report's finance.Variance for its year, or None
    budget: str = ""  # that year's budget, in pounds
    forecast: str = ""  # that year's forecast outturn, in pounds (shown alone without a budget)


@dataclass
class Position:
    month: datetime.date
    dimensions: list
    rows: list = field(default_factory=list)


def selected_projects(filterset, month):
    """The filtered projects in dashboard order (exceptions first), not yet evaluated."""
    overall = overall_dimension()
    projects = with_position(
        Project.objects.filter(status=Project.Status.ACTIVE), month, overall
    ).select_related("manager", "sponsor", "parent")
    filterset.queryset = projects
    return filterset.qs.order_by("-rank", "-worst", "code")


def position(projects, month):
    """Rows for these projects (annotated by with_position): ratings now and before, and a
    12-month trend of the overall RAG, in three queries whatever their number."""
    projects = list(projects)
    dimensions = list(RagDimension.objects.filter(active=True))
    overall = dimensions[0] if dimensions else None
    report_pks = [p.current_pk for p in projects if p.current_pk]
    report_pks += [p.previous_pk for p in projects if p.previous_pk]
    ratings, stated = {}, {}
    for rating in RagRating.objects.filter(report_id__in=report_pks).select_related(
        "status", "stated_previous"
    ):
        ratings[(rating.report_id, rating.dimension_id)] = rating.status
        stated[(rating.report_id, rating.dimension_id)] = rating.stated_previous
    reports = {
        r.pk: r
        for r in HighlightReport.objects.filter(pk__in=report_pks).only(
            "pk", "project_id", "period_start", "period_end", "status_word", "percent_complete"
        )
    }
    months, trend = overall_trend(projects, month, overall)
    rows = []
    for project in projects:
        current = reports.get(project.current_pk)
        if current:
            current.project = project
        lines = [
            (
                d,
                ratings.get((project.current_pk, d.pk)),
                stated.get((project.current_pk, d.pk))
                or (ratings.get((project.previous_pk, d.pk)) if project.previous_pk else None),
            )
            for d in dimensions
        ]
        rows.append(
            Row(
                project=project,
                current=current,
                lines=lines,
                trend=[(m, trend.get((project.pk, m))) for m in months],
                changed=bool(project.changed),
                stale=bool(current and current.period_end < month),
                milestones=milestones.slip_words(project.slip_days) if current else "",
                money=finance.variance(project.money_budget, project.money_forecast)
                if current
                else None,
                budget=finance.pounds(project.money_budget) if current else "",
                forecast=finance.pounds(project.money_forecast) if current else "",
            )  # fmt: skip
        )
    return Position(month=month, dimensions=dimensions, rows=rows)


def overall_trend(projects, month, overall):
    """(the 12 months to `month`, {(project id, month): overall RagStatus}) from the
    approved reports covering each month; one query."""
    first_month = add_months(month, -(TREND_MONTHS - 1))
    months = [add_months(first_month, i) for i in range(TREND_MONTHS)]
    trend = {}
    for rating in RagRating.objects.filter(
        dimension=overall,
        report__project__in=[p.pk for p in projects],
        report__status=APPROVED,
        report__period_end__gte=first_month,
        report__period_start__lte=month_end(month),
    ).select_related("status", "report"):
        report = rating.report
        for m in months:
            if report.period_start <= month_end(m) and report.period_end >= m:
                trend[(report.project_id, m)] = rating.status
    return months, trend


def describe(filters):
    """The filters applied, in words: "Programme: Culture Action Plan; Overall RAG: Red",
    and any not applied because they could not be read (the others still apply)."""
    form = filters.form
    form.is_valid()
    rag_names = dict(filters.filters["rag"].extra["choices"])
    chosen = []
    for name, value in getattr(form, "cleaned_data", {}).items():
        if value:
            label = form.fields[name].label or name.title()
            shown = rag_names.get(value, value) if name == "rag" else value
            chosen.append(f"{label}: {'yes' if shown is True else shown}")
    described = "; ".join(chosen) or "none (all active projects)"
    refused = [
        form.fields[name].label or name.title() for name in form.errors if name in form.fields
    ]
    if refused:
        described += f" (not applied, as it could not be read: {', '.join(refused)})"
    return described


@dataclass
class ProgrammeRecord:
    programme: Project
    projects: int
    punctuality: object  # schedule.Punctuality


def programme_punctuality(month, today):
    """Each programme's on-time submission rate over the 12 months to `month`."""
    from . import schedule

    programmes = list(Project.objects.filter(kind=Project.Kind.PROGRAMME).order_by("code"))
    members = list(Project.objects.filter(parent__in=programmes))
    record = schedule.punctuality(
        members, add_months(month, -(TREND_MONTHS - 1)), month_end(month), today
    )
    by_programme = {}
    for member in members:
        by_programme.setdefault(member.parent_id, []).append(member)
    result = []
    for programme in programmes:
        mine = by_programme.get(programme.pk, [])
        on_time = sum(record[p.pk].on_time for p in mine if p.pk in record)
        expected = sum(record[p.pk].expected for p in mine if p.pk in record)
        result.append(
            ProgrammeRecord(programme, len(mine), schedule.Punctuality(on_time, expected))
        )
    return result

"""Highlight reports and what they hold: RAG ratings on a configurable scale, concerns,
workstream progress and deliverables."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from ..periods import period_label
from .common import contrast_text_colour, hex_colour
from .organisation import forget_organisation
from .projects import Project, Workstream


class RagDimension(models.Model):
    """A line of the RAG table (Overall, Timeline, Budget, Issues & Risks...): data, not code."""

    class Measures(models.TextChoices):
        BUDGET = "budget", "Budget"
        TIMELINE = "timeline", "Timeline"
        OTHER = "other", "Something else"

    name = models.CharField(max_length=80, unique=True)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)
    # Names are data ("Budget", "Finance", "Cost"...): this says which line the budget and
    # timeline tolerances hold a rating against.
    measures = models.CharField(
        max_length=8, choices=Measures.choices, default=Measures.OTHER,
        help_text="A budget or timeline line rated better than the tolerances suggest must "
        "say why.",
    )  # fmt: skip

    class Meta:
        ordering = ["order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["measures"], condition=~models.Q(measures="other"),
                name="one_dimension_per_measure",
            )
        ]  # fmt: skip

    def __str__(self):
        return self.name


class RagStatus(models.Model):
    """A point on the organisation's RAG scale; colour is never shown without the name."""

    name = models.CharField(max_length=40, unique=True)
    colour = models.CharField(max_length=7, validators=[hex_colour])
    severity = models.PositiveSmallIntegerField(
        default=0, help_text="Higher is worse: used to sort and to spot deterioration."
    )
    counts_as_complete = models.BooleanField(default=False)
    requires_comment = models.BooleanField(
        default=False, help_text="A rating with this status must say why (e.g. Red, Amber)."
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "RAG statuses"

    def __str__(self):
        return self.name

    # The organisation's cached row holds the statuses its tolerances name.
    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        forget_organisation()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        forget_organisation()
        return result

    @property
    def text_colour(self):
        return contrast_text_colour(self.colour)


class HighlightReport(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        RETURNED = "returned", "Returned"
        APPROVED = "approved", "Approved"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reports")
    period_start = models.DateField()
    period_end = models.DateField()
    report_date = models.DateField(
        "date of update", default=datetime.date.today, help_text="The date the report is as at."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    status_word = models.CharField(
        "overall status", max_length=60, blank=True, help_text='e.g. "On Track"'
    )
    percent_complete = models.PositiveSmallIntegerField(
        "% complete", null=True, blank=True, validators=[MaxValueValidator(100)]
    )
    summary = models.TextField(blank=True)
    planned_this_period = models.TextField(
        "planned for this period",
        blank=True,
        help_text="Carried from the last report's plan for next period.",
    )
    achievements = models.TextField("achievements this period", blank=True)
    next_period = models.TextField("planned for next period", blank=True)
    issues = models.TextField(blank=True)
    risks_narrative = models.TextField("risks", blank=True)
    decisions_required = models.TextField("decisions / recommendations for the board", blank=True)
    governance = models.TextField(blank=True)
    communication = models.TextField(blank=True)
    deliverables_title = models.CharField(
        "deliverables table title",
        max_length=200,
        blank=True,
        help_text='e.g. "Progress against short term priorities (by April 2024)"',
    )

    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    # The first submission decides whether the report was on time; resubmissions after a
    # return do not move it.
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    # Approved by a deputy: the sponsor (or named approver) they approved for.
    approved_for = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Separation of duties: whoever wrote part of a report may not approve it. Where that
    # rules out the sponsor, the PMO names someone else to approve this report.
    writers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="reports_written",
        help_text="Everyone who started or saved this report: none of them may approve it.",
    )
    named_approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Named by the PMO to approve this report in place of the sponsor.",
    )
    # Brought in from the PMO's records of the months before Highlight (issue 19): approved
    # as the sheet says, by whom and when, with its RAG and nothing else.
    imported = models.BooleanField(default=False, editable=False)
    sponsor_comment = models.TextField(blank=True)
    reopen_reason = models.TextField(blank=True)
    # What the approved report printed, frozen at approval: its PDF is rendered from this,
    # so later changes to the project or its people cannot alter an approved report.
    approved_snapshot = models.JSONField(null=True, blank=True, editable=False)
    # From the snapshot, for the dashboard to filter on: the furthest any key milestone was
    # behind its baseline at approval, in days (0: none behind; None: no key milestones).
    key_milestones_slip_days = models.IntegerField(null=True, blank=True, editable=False)
    # Likewise the financial year's budget and forecast outturn, capital and revenue
    # together, in pence (None: no budget was set).
    money_budget = models.BigIntegerField(null=True, blank=True, editable=False)
    money_forecast = models.BigIntegerField(null=True, blank=True, editable=False)
    # The furthest over budget its money was, in percent (finance.worst_overspend): a
    # line or the total; the over-budget filter reads it.
    money_over_percent = models.DecimalField(
        max_digits=12, decimal_places=1, null=True, blank=True, editable=False
    )

    # Optimistic locking: every save and transition bumps it; a save made from an older
    # version is refused instead of silently overwriting someone else's work.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(
        excluded_fields=[
            "approved_snapshot",
            "version",
            "key_milestones_slip_days",
            "money_budget",
            "money_forecast",
            "money_over_percent",
        ]
    )

    # Whether the report is approved as stored (the dashboard, which shows approved reports
    # only, changes when one stops being so): set when read and after each save.
    approved_in_database = False

    # What the manager writes in Markdown: a text box each on the form, printed as written.
    NARRATIVE = (
        "summary",
        "planned_this_period",
        "achievements",
        "next_period",
        "issues",
        "risks_narrative",
        "decisions_required",
        "governance",
        "communication",
    )

    class Meta:
        ordering = ["project", "-period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "period_start"], name="one_report_per_project_period"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="report_period_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.project.code} {self.period_label}"

    def get_absolute_url(self):
        return reverse("projects:report-detail", args=[self.project.code, self.period_slug])

    @classmethod
    def from_db(cls, db, field_names, values):
        report = super().from_db(db, field_names, values)
        # Not read (a deferred status): taken as approved, so the dashboard is never stale.
        status = report.__dict__.get("status", cls.Status.APPROVED)
        report.approved_in_database = status == cls.Status.APPROVED
        return report

    @property
    def period_slug(self):
        return self.period_start.strftime("%Y-%m")

    @property
    def period_label(self):
        return period_label(self.period_start, self.period_end)

    @property
    def is_editable(self):
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


class RagRating(models.Model):
    report = models.ForeignKey(HighlightReport, on_delete=models.CASCADE, related_name="ratings")
    dimension = models.ForeignKey(RagDimension, on_delete=models.PROTECT, related_name="+")
    status = models.ForeignKey(
        RagStatus, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    comment = models.TextField(blank=True)
    # A report brought in from before Highlight states last period's rating itself (the
    # safeguarding sample's "Previous month" row); it stands in only while the report
    # before it is not in Highlight.
    stated_previous = models.ForeignKey(
        RagStatus,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="previous period as the report states it",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["dimension__order", "dimension__name"]
        constraints = [
            models.UniqueConstraint(fields=["report", "dimension"], name="one_rating_per_dimension")
        ]

    def __str__(self):
        return f"{self.dimension}: {self.status or 'Not rated'}"


class Concern(models.Model):
    """A concern with its countermeasure, as the sample reports pair them."""

    report = models.ForeignKey(HighlightReport, on_delete=models.CASCADE, related_name="concerns")
    concern = models.TextField()
    countermeasure = models.TextField(blank=True)
    resolved = models.BooleanField(
        default=False, help_text="Resolved concerns are not carried into the next report."
    )
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return self.concern[:60]


class WorkstreamProgress(models.Model):
    """A report's achievements and next steps for one workstream."""

    report = models.ForeignKey(
        HighlightReport, on_delete=models.CASCADE, related_name="workstream_progress"
    )
    workstream = models.ForeignKey(Workstream, on_delete=models.CASCADE, related_name="+")
    planned = models.TextField("planned for this period", blank=True)
    achievements = models.TextField(blank=True)
    next_steps = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["workstream__order", "workstream__pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "workstream"], name="one_progress_per_workstream"
            )
        ]

    def __str__(self):
        return f"{self.workstream} in {self.report}"


class Deliverable(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not yet started"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETE = "complete", "Complete"
        LATE = "late", "Late"

    report = models.ForeignKey(
        HighlightReport, on_delete=models.CASCADE, related_name="deliverables"
    )
    workstream = models.ForeignKey(
        Workstream,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="theme",
    )
    description = models.TextField("deliverable")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    due_date = models.DateField(null=True, blank=True)
    forecast_date = models.DateField(null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return self.description[:60]

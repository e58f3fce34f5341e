import calendar
import datetime

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", "Enter a colour as #rrggbb.")
project_code = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9._-]*$",
    "Use letters, digits, dots, dashes and underscores (e.g. SORPv.1).",
)


class User(AbstractUser):
    """Everyone named in a report is a user, so names and job titles print from one place."""

    job_title = models.CharField(max_length=150, blank=True)
    organisation_unit = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["first_name", "last_name", "username"]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def name_and_role(self):
        """As reports print a person: "Joss Foster, Director of Business Strategy"."""
        role = self.job_title or self.organisation_unit
        return f"{self}, {role}" if role else str(self)


def contrast_text_colour(colour):
    """Black or white, whichever reads better on a #rrggbb colour (WCAG luminance)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    luminance = 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
    return "#000000" if luminance > 0.179 else "#ffffff"


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


def format_partial_date(value, precision):
    """Print a date as precisely as it was given: 05/06/2011, June 2011 or 2013."""
    if value is None:
        return ""
    if precision == DatePrecision.YEAR:
        return str(value.year)
    if precision == DatePrecision.MONTH:
        return value.strftime("%B %Y")
    return value.strftime("%d/%m/%Y")


# Dates people type are kept within these years: far enough either way for any programme,
# and clear of the calendar's ends, where working out a due date or the next period would
# run off the end of the calendar.
FIRST_YEAR, LAST_YEAR = 1900, 2199


def validate_year(day):
    if day and not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise ValidationError(
            f"Enter a date between {FIRST_YEAR} and {LAST_YEAR}.", code="out_of_range"
        )


def month_end(day):
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def period_label(start, end):
    """ "August 2011", "January – May 2024" or "November 2023 – February 2024"."""
    if (start.year, start.month) == (end.year, end.month):
        return start.strftime("%B %Y")
    if start.year == end.year:
        return f"{start:%B} – {end:%B %Y}"
    return f"{start:%B %Y} – {end:%B %Y}"


class Project(models.Model):
    class Kind(models.TextChoices):
        PROGRAMME = "programme", "Programme"
        PROJECT = "project", "Project"

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        CLOSED = "closed", "Closed"

    class Cadence(models.TextChoices):
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"
        AS_REQUIRED = "as_required", "As required (no reminders)"

    code = models.CharField("project ID", max_length=40, unique=True, validators=[project_code])
    name = models.CharField("title", max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PROJECT)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        limit_choices_to={"kind": Kind.PROGRAMME},
        verbose_name="programme",
    )
    sponsor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sponsored_projects"
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="managed_projects"
    )
    editors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="edited_projects"
    )
    start = models.DateField(null=True, blank=True)
    start_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    end = models.DateField(null=True, blank=True)
    end_precision = models.CharField(
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    benefits = models.TextField(blank=True, help_text="Markdown.")
    objectives = models.TextField(blank=True, help_text="Markdown.")
    approach = models.TextField(blank=True, help_text="Markdown.")
    distribution = models.CharField(max_length=300, blank=True)
    area = models.CharField(max_length=200, blank=True, help_text="e.g. Wards affected – All")
    reporting_cadence = models.CharField(
        max_length=12, choices=Cadence.choices, default=Cadence.MONTHLY
    )
    report_due_working_days = models.PositiveSmallIntegerField(
        default=5, help_text="A report is due this many working days after its period ends."
    )
    governance_body = models.CharField(
        "reports go to",
        max_length=100,
        default="the board",
        help_text='Who the decisions and recommendations are for, e.g. "CMT" or "Members".',
    )
    director = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="directed_projects",
        help_text="Overdue reports are escalated to this director (else to the Directors group).",
    )
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[editors])

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    def get_absolute_url(self):
        return reverse("projects:project-detail", args=[self.code])

    @property
    def start_display(self):
        return format_partial_date(self.start, self.start_precision)

    @property
    def end_display(self):
        return format_partial_date(self.end, self.end_precision)


class RagDimension(models.Model):
    """A line of the RAG table (Overall, Timeline, Budget, Issues & Risks...): data, not code."""

    name = models.CharField(max_length=80, unique=True)
    order = models.PositiveSmallIntegerField(default=0)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "name"]

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
    sponsor_comment = models.TextField(blank=True)
    reopen_reason = models.TextField(blank=True)
    # What the approved report printed, frozen at approval: its PDF is rendered from this,
    # so later changes to the project or its people cannot alter an approved report.
    approved_snapshot = models.JSONField(null=True, blank=True, editable=False)

    # Optimistic locking: every save and transition bumps it; a save made from an older
    # version is refused instead of silently overwriting someone else's work.
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["approved_snapshot", "version"])

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


class Workstream(models.Model):
    """A theme of a project's work (e.g. "Social Care Practice"), used to group progress
    and deliverables as the safeguarding and culture reports do."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="workstreams")
    name = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="unique_workstream_name")
        ]

    def __str__(self):
        return self.name


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


class ReportReminder(models.Model):
    """A reminder or escalation sent about a report not yet submitted: kept so each is sent
    once, however often the daily job runs."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", "Due soon"
        OVERDUE = "overdue", "Overdue"
        TO_SPONSOR = "to_sponsor", "Escalated to the sponsor"
        TO_DIRECTOR = "to_director", "Escalated to the director"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="reminders")
    period_start = models.DateField()
    kind = models.CharField(max_length=12, choices=Kind.choices)
    recipients = models.TextField(help_text="The addresses it went to, one per line.")
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "period_start", "kind"], name="one_reminder_of_each_kind"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.project.code} {self.period_start:%Y-%m}"

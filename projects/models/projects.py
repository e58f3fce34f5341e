"""Projects and programmes, and the workstreams inside them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from .common import DatePrecision, format_partial_date, project_code
from .organisation import marking_field

PMO_GROUP = "PMO"  # as projects.access.PMO, which imports the models


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
    # A programme run by its board may have none (the culture programme has none): its
    # editors or the PMO write its reports.
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="managed_projects",
        help_text="Every project has one; a programme run by its board may have none.",
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
    # The retention schedule counts from the day a project closed (projects/retention.py).
    closed_on = models.DateField(null=True, blank=True, editable=False)
    marking = marking_field()
    benefits = models.TextField(blank=True, help_text="Markdown.")
    objectives = models.TextField(blank=True, help_text="Markdown.")
    approach = models.TextField(blank=True, help_text="Markdown.")
    distribution = models.CharField(max_length=300, blank=True)
    area = models.CharField(max_length=200, blank=True, help_text="e.g. Wards affected – All")
    # The finance system's extract names projects by code or by cost centre (issue 20).
    cost_centre = models.CharField(
        max_length=40, blank=True, validators=[project_code],
        help_text="As the finance system codes it: its monthly extract is matched on it.",
    )  # fmt: skip
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
        constraints = [
            models.UniqueConstraint(
                fields=["cost_centre"], condition=~models.Q(cost_centre=""),
                name="unique_cost_centre",
            )
        ]  # fmt: skip

    def __str__(self):
        return f"{self.code} {self.name}"

    def save(self, *args, **kwargs):
        self.note_closing()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "status" in update_fields:
            kwargs["update_fields"] = {*update_fields, "closed_on"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("projects:project-detail", args=[self.code])

    def note_closing(self):
        if self.status != self.Status.CLOSED:
            self.closed_on = None
        elif self.closed_on is None:
            self.closed_on = timezone.localdate()

    def clean(self):
        # Every form and the admin call this. The PMO does everything but approve (DESIGN.md),
        # so nobody in it sponsors: a PMO member appointing itself, or a colleague, would
        # otherwise approve the reports the PMO chases.
        if self.sponsor_id and self.sponsor.groups.filter(name=PMO_GROUP).exists():
            raise ValidationError(
                {
                    "sponsor": f"{self.sponsor} is in the PMO, which does everything but approve: "
                    "choose a sponsor outside it."
                }
            )

    def programme_ties(self):
        """What makes this a programme still: its projects, the registers linked to it, its
        own report template and chat channel (a project can have none of them)."""
        ties = []
        if count := self.children.count():
            ties.append(f"{count} project{'s' if count > 1 else ''}")
        if count := self.linked_risk_registers.count():
            ties.append(f"{count} linked risk register{'s' if count > 1 else ''}")
        if hasattr(self, "report_template"):
            ties.append("its own report template")
        if self.channel_hooks.exists():
            ties.append("its own chat channel")
        return ties

    def report_writers(self):
        """Who is told a report is due, approved or returned: the manager, or, for a
        programme without one, its editors."""
        if self.manager_id:
            return [self.manager]
        return list(self.editors.filter(is_active=True))

    @property
    def start_display(self):
        return format_partial_date(self.start, self.start_precision)

    @property
    def end_display(self):
        return format_partial_date(self.end, self.end_precision)


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

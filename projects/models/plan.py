"""A project's dated plan: its milestones, each with the date agreed (the baseline), the
date now expected (the forecast) and the date it happened (the actual). A baseline once
agreed moves only by a re-baseline the sponsor agrees, with its reason kept."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from .common import validate_year
from .projects import Project, Workstream


class Milestone(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        ON_TRACK = "on_track", "On track"
        AT_RISK = "at_risk", "At risk"
        LATE = "late", "Late"
        COMPLETE = "complete", "Complete"
        # A milestone dropped from the plan once its date was agreed: kept, not deleted, so
        # its agreed baseline and re-baselines stay on record.
        CANCELLED = "cancelled", "Cancelled"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    workstream = models.ForeignKey(
        Workstream, on_delete=models.SET_NULL, null=True, blank=True, related_name="milestones"
    )
    name = models.CharField("milestone", max_length=200)
    baseline = models.DateField(
        "baseline date", null=True, blank=True, validators=[validate_year],
        help_text="The date agreed when the plan was agreed. Once set, only the sponsor "
        "moves it (a re-baseline, with its reason).",
    )  # fmt: skip
    forecast = models.DateField("forecast date", null=True, blank=True, validators=[validate_year])
    actual = models.DateField("actual date", null=True, blank=True, validators=[validate_year])
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    key = models.BooleanField(
        "key milestone", default=False, help_text="The milestones the board follows."
    )
    order = models.PositiveSmallIntegerField(default=0)
    # Raised by every save: a form saved over a change made meanwhile is refused.
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["order", "baseline", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="unique_milestone_name")
        ]

    def __str__(self):
        return self.name


class Rebaseline(models.Model):
    """A baseline moved: from when to when, why, and the sponsor who agreed it."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="rebaselines")
    old_baseline = models.DateField("from")
    new_baseline = models.DateField("to", validators=[validate_year])
    reason = models.TextField()
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    # Where a deputy agreed it, the sponsor they stood in for.
    agreed_for = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    agreed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-agreed_at", "-pk"]

    def __str__(self):
        return f"{self.milestone}: {self.old_baseline} to {self.new_baseline}"

"""The retention schedule the PMO keeps, and legal holds that stop removal (issue 22; the
rules in projects/retention.py, each kind of record's in its own app's retention.py)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone


class RetentionRule(models.Model):
    """How long one kind of record is kept. A row per kind the code knows (created with its
    default the first time the schedule is read); the PMO changes the period and the reason."""

    class Unit(models.TextChoices):
        DAYS = "days", "days"
        MONTHS = "months", "months"
        YEARS = "years", "years"

    records = models.CharField(max_length=40, unique=True, editable=False)
    amount = models.PositiveSmallIntegerField(
        "kept for", validators=[MinValueValidator(1), MaxValueValidator(999)]
    )
    unit = models.CharField(max_length=6, choices=Unit.choices)
    reason = models.TextField(help_text="Why they are kept this long, as the schedule says it.")
    active = models.BooleanField(
        "remove them when the time is up",
        default=True,
        help_text="Untick to keep these records until someone removes them by hand.",
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    changed_at = models.DateTimeField(null=True, blank=True)
    # Nothing is removed under a rule until it has been in force this long, so whatever the
    # nightly run removes was on the schedule's page for that long first (retention.py).
    in_force_from = models.DateField(default=timezone.localdate, editable=False)

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.records

    @property
    def period(self):
        unit = self.get_unit_display()
        return f"{self.amount} {unit[:-1] if self.amount == 1 else unit}"


class LegalHold(models.Model):
    """While a hold is on, nothing under its project (or programme), register or plan is
    removed by the schedule. Lifting one keeps the row: who placed it, why, and who lifted it."""

    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    target_name = models.CharField(
        max_length=300, help_text="What it holds, as it was named when the hold was placed."
    )
    reason = models.TextField(help_text="e.g. the claim, the inquiry or the request it serves.")
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    placed_at = models.DateTimeField(auto_now_add=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    lifted_at = models.DateTimeField(null=True, blank=True)
    lift_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-placed_at", "-pk"]
        indexes = [models.Index(fields=["target_type", "target_id"])]
        constraints = [
            # One hold at a time on a record: a second would have to be lifted separately.
            models.UniqueConstraint(
                fields=["target_type", "target_id"],
                condition=models.Q(lifted_at__isnull=True),
                name="one_live_hold_per_record",
            ),
        ]

    def __str__(self):
        return f"Legal hold on {self.target_name}"

    @property
    def is_live(self):
        return self.lifted_at is None

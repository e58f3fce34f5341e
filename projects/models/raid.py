"""A project's RAID log: its issues, actions, decisions, dependencies and assumptions, as
records with an owner, dates, a priority and a status (issue 20). Risks stay in the risk
registers; a risk there may name the actions here that treat it (the link is the risks
app's, since projects imports no other app)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .common import validate_year
from .projects import Project


class RaidItem(models.Model):
    class Kind(models.TextChoices):
        ISSUE = "issue", "Issue"
        ACTION = "action", "Action"
        DECISION = "decision", "Decision"
        DEPENDENCY = "dependency", "Dependency"
        ASSUMPTION = "assumption", "Assumption"

    class Priority(models.IntegerChoices):
        # Higher is more pressing: sorted on, and "high-priority" means HIGH and above.
        LOW = 1, "Low"
        MEDIUM = 2, "Medium"
        HIGH = 3, "High"
        CRITICAL = 4, "Critical"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        CLOSED = "closed", "Closed"

    # Each kind's references run on their own: I1, A1, D1, DEP1, AS1.
    PREFIX = {"issue": "I", "action": "A", "decision": "D", "dependency": "DEP",
              "assumption": "AS"}  # fmt: skip

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="raid")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    number = models.PositiveIntegerField(editable=False)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, help_text="Markdown.")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="raid_items",
    )  # fmt: skip
    raised_on = models.DateField(validators=[validate_year])
    due = models.DateField("due by", null=True, blank=True, validators=[validate_year])
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.MEDIUM)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    resolution = models.TextField(
        blank=True, help_text="How it was resolved, done, decided or settled. Markdown."
    )
    # A decision: whether the board must take it (the pack lists those with their due
    # date), and once taken, who took it and when.
    for_board = models.BooleanField(
        "for the board to decide", default=False,
        help_text="Listed with its due date among the decisions in the board pack.",
    )  # fmt: skip
    decided_by = models.CharField(
        max_length=150, blank=True, help_text="Who took the decision: a person or a board."
    )
    decided_on = models.DateField(null=True, blank=True, validators=[validate_year])
    # An action taken on an issue.
    issue = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="actions",
        limit_choices_to={"kind": "issue"}, help_text="The issue this action deals with.",
    )  # fmt: skip
    # A dependency on another project's work.
    depends_on = models.ForeignKey(
        Project, on_delete=models.SET_NULL, null=True, blank=True, related_name="dependants",
        verbose_name="depends on project",
    )  # fmt: skip
    # Raised by every save: a form saved over a change made meanwhile is refused.
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["version"])

    class Meta:
        ordering = ["kind", "number"]
        verbose_name = "RAID item"
        constraints = [
            models.UniqueConstraint(
                fields=["project", "kind", "number"], name="one_raid_number_per_kind"
            )
        ]

    def __str__(self):
        return f"{self.ref} {self.title}"

    def get_absolute_url(self):
        return reverse("projects:raid-edit", args=[self.project.code, self.pk])

    @property
    def ref(self):
        return f"{self.PREFIX[self.kind]}{self.number}"

    @property
    def is_open(self):
        return self.status != self.Status.CLOSED

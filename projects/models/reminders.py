"""Reminders and escalations sent about reports not yet submitted."""

from django.db import models

from .projects import Project


class ReportReminder(models.Model):
    """A reminder or escalation sent about a report not yet submitted: kept so each is sent
    once, however often the daily job runs."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", "Due soon"
        OVERDUE = "overdue", "Overdue"
        TO_SPONSOR = "to_sponsor", "Escalated to the sponsor"
        TO_DIRECTOR = "to_director", "Escalated to the director"
        CHANNEL = "channel", "Posted to the chat channel as overdue"

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

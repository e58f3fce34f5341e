"""Where Highlight posts short messages for a chat channel (issue 21; rules in
projects/channels.py, delivery in projects/webhooks.py)."""

from urllib.parse import urlsplit

from django.conf import settings
from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils import timezone


class ChannelHook(models.Model):
    """A programme's webhook, or (no programme) the organisation's: standalone projects,
    corporate registers, and programmes without their own post there. The address is a
    secret (whoever holds it can post to the channel): pages show only its host."""

    class Kind(models.TextChoices):
        TEAMS = "teams", "Microsoft Teams (a Workflows webhook)"
        SLACK = "slack", "Slack (an incoming webhook)"

    programme = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="channel_hooks",
        limit_choices_to={"kind": "programme"},
        help_text="Leave empty for the organisation's channel.",
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.TEAMS)
    url = models.URLField("webhook address", max_length=2000)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)
    last_sent_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_failed_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.CharField(max_length=300, blank=True, editable=False)

    class Meta:
        constraints = [
            # One channel per programme, and one for the organisation (programme empty).
            models.UniqueConstraint(
                Coalesce("programme", Value(0)), name="one_channel_per_programme"
            )
        ]
        verbose_name = "channel"

    def __str__(self):
        return f"{self.programme or 'The organisation'}: {self.get_kind_display()}"

    @property
    def host(self):
        return urlsplit(self.url).hostname or ""

    @property
    def failing(self):
        return bool(self.last_failed_at) and (
            not self.last_sent_at or self.last_failed_at > self.last_sent_at
        )

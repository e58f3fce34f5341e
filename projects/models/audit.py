"""The audit: who saw and did what, append-only (projects/audit.py writes it)."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEventQuerySet(models.QuerySet):
    # Nothing in the app changes or removes an event; only the retention task removes old
    # ones (audit.remove_expired), inside the database's own guard on PostgreSQL.
    def update(self, **kwargs):
        raise TypeError("Audit events are never changed.")

    def delete(self):
        raise TypeError("Audit events are removed only by the retention task.")


class AuditEvent(models.Model):
    class Kind(models.TextChoices):
        SIGN_IN = "sign_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        SIGN_OUT = "sign_out", "Signed out"
        DOWNLOAD = "download", "Document downloaded"
        EXPORT = "export", "Exported"
        IMPORT = "import", "Imported"
        RIGHTS = "rights", "Rights changed"
        SPONSOR = "sponsor", "Sponsor changed"
        APPROVER = "approver", "Approver named"
        PASSWORD_SET = "password_set", "Password set by a superuser"
        PASSWORD_RESET = "password_reset", "Password reset by its owner"
        SECOND_FACTOR = "second_factor", "Second factor changed"
        HANDOVER = "handover", "Handed over (a leaver)"
        INVITATION = "invitation", "Invitation sent or used"
        ADMIN = "admin", "Admin action"
        RESTORE = "restore", "Restored from a backup"
        RETENTION = "retention", "Removed under the retention schedule"
        API = "api", "Read through the API"
        API_TOKEN = "api_token", "API token made or revoked"
        CHANNEL = "channel", "Channel webhook set or removed"
        LEGAL_HOLD = "legal_hold", "Legal hold placed or lifted"
        RETENTION_RULE = "retention_rule", "Retention rule changed"
        MONTHLY_RUN = "monthly_run", "Monthly run started by hand"

    class Outcome(models.TextChoices):
        SUCCESS = "success", "Done"
        FAILURE = "failure", "Failed"
        REFUSED = "refused", "Refused"

    at = models.DateTimeField(default=timezone.now, db_index=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, db_index=True)
    # Not a database constraint: the event outlives the person, and their name is kept.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField(
        "who", max_length=150, blank=True, help_text="The username at the time, or as typed."
    )
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    object_repr = models.CharField("object", max_length=300, blank=True)
    address = models.GenericIPAddressField(null=True, blank=True)
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS)
    description = models.TextField(blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self):
        return f"{self.at:%d/%m/%Y %H:%M} {self.actor_name or 'system'}: {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("Audit events are never changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("Audit events are removed only by the retention task.")

    @property
    def object_kind(self):
        """What the object is, in words ("person", "risk register"), for the audit page."""
        from django.apps import apps

        try:
            return apps.get_model(self.object_type)._meta.verbose_name
        except (LookupError, ValueError):
            return self.object_type

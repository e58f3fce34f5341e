"""People: everyone named in a report is a user."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac


class User(AbstractUser):
    """Everyone named in a report is a user, so names and job titles print from one place."""

    job_title = models.CharField(max_length=150, blank=True)
    organisation_unit = models.CharField(max_length=150, blank=True)
    # Raised to end every session of the person at once (projects/sessions.py).
    sessions_epoch = models.PositiveIntegerField(default=0, editable=False)
    # When the account was switched off (issue 22): a leaver's name, email and job title are
    # replaced once LEAVER_RETENTION_DAYS have passed since (projects/anonymise.py).
    left_on = models.DateField(null=True, blank=True, editable=False)
    anonymised_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["first_name", "last_name", "username"]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def name_and_role(self):
        """As reports print a person: "Joss Foster, Director of Business Strategy"."""
        role = self.job_title or self.organisation_unit
        return f"{self}, {role}" if role else str(self)

    def save(self, *args, **kwargs):
        if self.is_active:
            self.left_on = None
        elif self.left_on is None:
            self.left_on = timezone.localdate()
        # The sessions epoch is only ever raised in the database (projects/sessions.py): a
        # person read before a "sign out everywhere" and saved after must not lower it.
        if not self._state.adding and kwargs.get("update_fields") is None:
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields
                if not f.primary_key and f.name != "sessions_epoch"
            ]  # fmt: skip
        super().save(*args, **kwargs)

    def _get_session_auth_hash(self, secret=None):
        # Django's hash of the password, and of the sessions epoch: a session made before
        # either changed no longer signs anyone in.
        return salted_hmac(
            "projects.User.get_session_auth_hash",
            f"{self.password}:{self.sessions_epoch}",
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class Deputy(models.Model):
    """Someone who approves and returns reports for a sponsor (or an approver the PMO named)
    while they are away, from `starts` to `ends` inclusive (projects/deputies.py)."""

    person = models.ForeignKey(User, on_delete=models.CASCADE, related_name="deputies")
    deputy = models.ForeignKey(User, on_delete=models.CASCADE, related_name="deputising")
    starts = models.DateField("from")
    ends = models.DateField("to")
    named_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ends__gte=models.F("starts")),
                                   name="deputy_ends_after_it_starts"),
            models.CheckConstraint(condition=~models.Q(deputy=models.F("person")),
                                   name="deputy_is_someone_else"),
        ]  # fmt: skip

    def __str__(self):
        return f"{self.deputy} for {self.person}, {self.starts:%d/%m/%Y} to {self.ends:%d/%m/%Y}"

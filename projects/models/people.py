"""People: everyone named in a report is a user."""

from django.contrib.auth.models import AbstractUser
from django.db import models


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

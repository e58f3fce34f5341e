"""A spreadsheet import in progress: the uploaded file's preview, then its import, each run
by a worker (projects.uploads) so that no request waits for a big workbook."""

import datetime
import uuid

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class ImportJob(models.Model):
    """One person's upload for one record (a register, a plan), and how far a worker has
    got with it. Its id is the token the pages carry; only its owner ever sees it."""

    class Step(models.TextChoices):
        PREVIEW = "preview", "Preview"
        IMPORT = "import", "Import"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    ACTIVE = (Status.QUEUED, Status.RUNNING)
    FINISHED = (Status.DONE, Status.FAILED)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    # The importer (a projects.spreadsheets.Importer, by dotted path) and the record it
    # imports into.
    importer = models.CharField(max_length=200)
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    target_id = models.PositiveBigIntegerField()
    name = models.CharField("file name", max_length=255)
    # Where the confirm came from, for the audit: the worker that imports has no request.
    address = models.GenericIPAddressField(null=True, blank=True)
    step = models.CharField(max_length=10, choices=Step.choices, default=Step.PREVIEW)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    # What the worker is doing (projects.spreadsheets.STEPS) and how far it has got.
    progress_step = models.CharField(max_length=10, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    # What the preview found or the import did, as its page shows it (uploads.shown).
    outcome = models.JSONField(null=True, blank=True)
    # The preview's fingerprint: confirming imports only if the file would still do that.
    fingerprint = models.CharField(max_length=64, blank=True)
    message = models.TextField(blank=True, help_text="Why it failed, as its page says.")
    created_at = models.DateTimeField(auto_now_add=True)
    lease_expires = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["owner", "target_type", "target_id"])]

    def __str__(self):
        return f"{self.get_step_display()} of {self.name}"

    @property
    def is_finished(self):
        return self.status in self.FINISHED or self.has_stalled

    @property
    def has_stalled(self):
        """Running, but its worker stopped (killed, restarted) before it finished: the
        import ran in one transaction, so nothing of it was written."""
        return (
            self.status == self.Status.RUNNING
            and self.lease_expires is not None
            and self.lease_expires < timezone.now()
        )

    @property
    def progress_label(self):
        """What the worker is doing, as its page says it."""
        if self.status == self.Status.QUEUED:
            return "waiting for a worker"
        if self.progress_step == "writing":
            if self.step == self.Step.IMPORT:
                return "writing the changes"
            return "working out what it would change"
        return {"reading": "reading the file", "checking": "checking each row"}.get(
            self.progress_step, "starting"
        )

    @property
    def percent(self):
        if not self.progress_total:
            return None
        return min(100, round(100 * self.progress_done / self.progress_total))

    @classmethod
    def lease(cls):
        return timezone.now() + datetime.timedelta(seconds=settings.DOCUMENT_LEASE_SECONDS)

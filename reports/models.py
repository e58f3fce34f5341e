import datetime
import json
import logging

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse

from projects.periods import parse_month

logger = logging.getLogger(__name__)


def params_key(params):
    """One canonical string for a document's natural-key parameters, so equal requests match."""
    return json.dumps(params, sort_keys=True, separators=(",", ":"))


def kind_choices():
    """Every registered kind of document (reports/kinds/): a callable, so adding a kind
    needs no migration."""
    from .kinds import choices

    return choices()


class Document(models.Model):
    """A generated PDF: what was asked for, from which data, and how rendering went."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    ACTIVE = (Status.QUEUED, Status.RUNNING, Status.DONE)

    kind = models.CharField(max_length=20, choices=kind_choices)
    params = models.JSONField()
    params_key = models.CharField(max_length=500, editable=False)
    title = models.CharField(max_length=300, blank=True)
    source_type = models.ForeignKey(
        ContentType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    source = GenericForeignKey("source_type", "source_id")
    fingerprint = models.CharField(max_length=64, help_text="sha256 of the data printed.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    lease_expires = models.DateTimeField(null=True, blank=True)
    file = models.FileField(upload_to="documents/", blank=True, max_length=300)
    pages = models.PositiveIntegerField(null=True, blank=True)
    marking = models.CharField(
        "protective marking", max_length=60, blank=True, help_text="As printed on every page."
    )
    bytes = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requesters = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        help_text="Everyone who asked for it (a live document is shared, not made twice).",
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    # Set when the task could not be handed to the broker (Redis down): the document waits,
    # queued, for the sweep (reports.tasks.requeue_stalled_documents) to send it.
    unsent_since = models.DateTimeField(null=True, blank=True)
    # When its latest message went to the queue: the sweep sends a queued document again only
    # when this is long past, so a month's run waiting its turn is not sent over and over.
    sent_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    render_seconds = models.FloatField(null=True, blank=True)
    # The copy a report's approval issued (reports.services.freeze_approved_report): kept as
    # long as its report, whatever happens to the letterhead since (reports/retention.py).
    approved_copy = models.BooleanField(default=False, editable=False)
    # Sections gathered so far for long documents (board packs), for the documents page.
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            # At most one live document per request and data: concurrent requests for the
            # same PDF share it, and a failed one never blocks a new attempt.
            models.UniqueConstraint(
                fields=["kind", "params_key", "fingerprint"],
                condition=models.Q(status__in=["queued", "running", "done"]),
                name="one_live_document_per_data",
            ),
        ]
        indexes = [
            models.Index(fields=["source_type", "source_id", "-requested_at"]),
            models.Index(fields=["status", "lease_expires"]),
        ]

    def __str__(self):
        return self.title or f"{self.get_kind_display()} {self.params_key}"

    def save(self, *args, **kwargs):
        self.params_key = params_key(self.params)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("reports:document-detail", args=[self.pk])

    WAITING_FOR_SERVICE = (
        "The document service could not be reached, so this PDF is waiting. It will be made "
        "automatically when the service is back: there is no need to ask again."
    )

    @property
    def is_finished(self):
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def period(self):
        """The month or plan year the document is for, as people say it."""
        if self.params.get("period"):
            return f"{parse_month(self.params['period']):%B %Y}"
        return self.params.get("plan") or ""

    @property
    def filename(self):
        return self.file.name.rsplit("/", 1)[-1] if self.file else ""


class MonthlyRun(models.Model):
    """How the monthly reporting run goes; the PMO changes it in Settings, no deploy needed.
    A daily beat task reads it (reports.tasks.monthly_reporting_run)."""

    enabled = models.BooleanField(default=True)
    day_of_month = models.PositiveSmallIntegerField(
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text="The run renders last month's documents on this day.",
    )
    programmes = models.ManyToManyField(
        "projects.Project",
        blank=True,
        limit_choices_to={"kind": "programme"},
        related_name="+",
        help_text="Board packs for these programmes (none chosen: every programme).",
    )
    portfolio_pack = models.BooleanField("board pack for the whole portfolio", default=True)
    highlight_reports = models.BooleanField("every approved highlight report", default=True)
    risk_registers = models.BooleanField("every risk register", default=True)
    notify = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="+",
        help_text="Told when the month's documents are ready (none chosen: the Directors).",
    )
    # What the month's board packs say on their cover (reports/kinds/meeting.py).
    meeting = models.CharField(
        max_length=120, blank=True, help_text="The meeting the packs are for, e.g. CMT."
    )
    meeting_dates = models.TextField(
        blank=True,
        help_text="The meeting's dates, dd/mm/yyyy, one per line: a pack is for the first "
        "meeting on or after the day it is made.",
    )
    agenda_item = models.CharField(max_length=20, blank=True)
    author = models.CharField(max_length=120, blank=True, help_text="Who the packs are from.")
    covering_note = models.TextField(
        blank=True,
        max_length=4000,
        help_text="Markdown. The PMO's note to the board, printed after each pack's cover.",
    )

    class Meta:
        verbose_name = "monthly reporting run"

    def __str__(self):
        return f"Monthly run on day {self.day_of_month}"

    @classmethod
    def current(cls):
        """The PMO's settings, or the defaults when none are saved."""
        return cls.objects.prefetch_related("programmes", "notify").first() or cls()

    def clean(self):
        super().clean()
        try:
            self.dates()
        except ValueError as exc:
            raise ValidationError({"meeting_dates": str(exc)}) from None

    def dates(self):
        days = []
        for line in self.meeting_dates.split():
            try:
                days.append(datetime.datetime.strptime(line, "%d/%m/%Y").date())
            except ValueError:
                raise ValueError(f"“{line}” is not a date written dd/mm/yyyy.") from None
        return sorted(days)

    def pack_meeting(self, today):
        """The cover of this month's packs: the first meeting on or after today. Dates the
        admin's check never saw (set another way) are skipped, not fatal to the run."""
        try:
            dates = self.dates()
        except ValueError:
            logger.warning("The monthly run's meeting dates are not all dd/mm/yyyy: %r",
                           self.meeting_dates)  # fmt: skip
            dates = []
        upcoming = [day for day in dates if day >= today]
        return {
            "meeting": self.meeting,
            "meeting_date": upcoming[0].isoformat() if upcoming else "",
            "agenda_item": self.agenda_item,
            "author": self.author,
            "covering_note": self.covering_note,
        }


class ReportingRun(models.Model):
    """One month's run: the documents it asked for, and whether people have been told."""

    period = models.DateField(unique=True, help_text="The first day of the month reported.")
    started_at = models.DateTimeField(auto_now_add=True)
    last_run_at = models.DateTimeField(auto_now=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    documents = models.ManyToManyField(Document, related_name="runs")

    class Meta:
        ordering = ["-period"]

    def __str__(self):
        return f"Reporting run for {self.period:%B %Y}"

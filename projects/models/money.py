"""A project's money: for each financial year, capital and revenue apart, the approved
budget, the spend to date and the forecast outturn, in pence (whole numbers, so sums are
exact). The figures live with the project, are updated with each report, and each approved
report freezes them as they stood."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from .common import FIRST_YEAR, LAST_YEAR
from .organisation import Organisation
from .projects import Project

# Far beyond any council's budget (a hundred billion pounds), and far inside what the
# database's 64-bit integers hold, so no sum of lines can overflow.
MOST_PENCE = 10**13


def pence_field(verbose_name, *, allow_negative=True, help_text=""):
    return models.BigIntegerField(
        verbose_name, null=True, blank=True, help_text=help_text,
        validators=[MinValueValidator(-MOST_PENCE if allow_negative else 0),
                    MaxValueValidator(MOST_PENCE)],
    )  # fmt: skip


def year_label(year, start_month=None):
    """ "2026-27" as plans write a financial year; "2026" where it is the calendar year."""
    start_month = start_month or Organisation.current().financial_year_start
    if start_month == 1:
        return str(year)
    return f"{year}-{(year + 1) % 100:02d}"


class FinanceLine(models.Model):
    class Kind(models.TextChoices):
        CAPITAL = "capital", "Capital"
        REVENUE = "revenue", "Revenue"

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="finance")
    year = models.PositiveSmallIntegerField(
        "financial year",
        validators=[MinValueValidator(FIRST_YEAR), MaxValueValidator(LAST_YEAR)],
        help_text="The calendar year it starts in: 2026 for 2026-27.",
    )
    kind = models.CharField(max_length=7, choices=Kind.choices)
    budget = pence_field(
        "approved budget", allow_negative=False,
        help_text="As agreed. Once set, only the PMO (or the finance system's extract) "
        "changes it.",
    )  # fmt: skip
    spent = pence_field("spend to date")
    forecast = pence_field("forecast outturn", help_text="What the year will have cost.")
    # When the finance system's extract last set these figures (import_finance): the
    # manager confirms them rather than retyping them.
    from_finance_system = models.DateField("from the finance system for", null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Raised by every save: a form saved over a change made meanwhile is refused.
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["version", "updated_at"])

    class Meta:
        ordering = ["year", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "year", "kind"], name="one_finance_line_per_year_and_kind"
            ),
            models.CheckConstraint(
                condition=models.Q(budget__gte=0) | models.Q(budget=None),
                name="finance_budget_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.project.code} {self.year_label} {self.get_kind_display().lower()}"

    @property
    def year_label(self):
        return year_label(self.year)

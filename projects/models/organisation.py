"""The organisation Highlight works for: its name and logo on every page and PDF, and the
protective markings (Government Security Classifications) its documents carry."""

from django.core.cache import cache
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models, transaction

CACHE_KEY = "highlight:organisation"

marking_name = RegexValidator(
    r"^[A-Z0-9][A-Z0-9 &/()\[\]-]*$",
    "Write a marking in capitals, as it is printed (e.g. OFFICIAL-SENSITIVE).",
)


class Marking(models.Model):
    """A protective marking the PMO keeps; a higher level is more protective, so a document
    holding several things carries the highest of their markings."""

    name = models.CharField(max_length=60, unique=True, validators=[marking_name])
    level = models.PositiveSmallIntegerField(
        unique=True, help_text="Higher is more protective: OFFICIAL 10, OFFICIAL-SENSITIVE 20."
    )
    description = models.CharField(
        max_length=300, blank=True, help_text="When to use it, for the people who choose it."
    )

    class Meta:
        ordering = ["level", "name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        forget_organisation()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        forget_organisation()
        return result


def highest(markings):
    """The most protective of some markings (None for none)."""
    markings = [m for m in markings if m is not None]
    return max(markings, key=lambda m: (m.level, m.name)) if markings else None


def tolerance_field(verbose_name, default):
    return models.DecimalField(
        verbose_name, max_digits=5, decimal_places=1, null=True, blank=True, default=default,
        validators=[MinValueValidator(0)],
    )  # fmt: skip


class Organisation(models.Model):
    """One row: who Highlight works for. Read it with Organisation.current()."""

    class Month(models.IntegerChoices):
        JANUARY = 1, "January"
        FEBRUARY = 2, "February"
        MARCH = 3, "March"
        APRIL = 4, "April"
        MAY = 5, "May"
        JUNE = 6, "June"
        JULY = 7, "July"
        AUGUST = 8, "August"
        SEPTEMBER = 9, "September"
        OCTOBER = 10, "October"
        NOVEMBER = 11, "November"
        DECEMBER = 12, "December"

    name = models.CharField(
        max_length=200,
        blank=True,
        help_text="As it is printed on every page and PDF, e.g. Slough Borough Council.",
    )
    # Only ever a PNG that Highlight has re-encoded itself (projects/logos.py).
    logo = models.FileField(upload_to="organisation/", blank=True)
    logo_width = models.PositiveSmallIntegerField(null=True, blank=True)
    logo_height = models.PositiveSmallIntegerField(null=True, blank=True)
    financial_year_start = models.PositiveSmallIntegerField(
        choices=Month.choices, default=Month.APRIL
    )
    default_marking = models.ForeignKey(
        Marking,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="What projects, registers and plans carry unless they are marked otherwise.",
    )
    risk_appetite = models.TextField(
        "risk appetite statement",
        blank=True,
        help_text="Markdown. Printed on a risk register that has no statement of its own.",
    )
    risk_appetite_adopted = models.DateField("appetite statement adopted on", null=True, blank=True)
    # The statements a public body publishes (issue 22; projects/statements.py): empty
    # publishes Highlight's own text, which describes Highlight as it is set up here.
    privacy_contact = models.CharField(
        "who to contact about personal data",
        max_length=200,
        blank=True,
        help_text="Printed in the privacy notice, e.g. “The Data Protection Officer, "
        "dpo@example.gov.uk”.",
    )
    privacy_notice = models.TextField(blank=True)
    accessibility_statement = models.TextField(blank=True)
    accessibility_contact = models.CharField(
        "who to tell about an accessibility problem",
        max_length=200,
        blank=True,
        help_text="Printed in the accessibility statement, e.g. “The PMO, pmo@example.gov.uk”.",
    )
    # Tolerances (issue 20): a budget or timeline rated better than these suggest must say
    # why. None switches a threshold off.
    budget_amber_percent = tolerance_field(
        "Amber when the forecast is over budget by more than (%)", 5
    )
    budget_red_percent = tolerance_field(
        "Red when the forecast is over budget by more than (%)", 10
    )
    timeline_amber_weeks = tolerance_field(
        "Amber when a key milestone is late by more than (weeks)", 2
    )
    timeline_red_weeks = tolerance_field("Red when a key milestone is late by more than (weeks)", 6)
    amber_status = models.ForeignKey(
        "projects.RagStatus", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="the status tolerances call Amber",
    )  # fmt: skip
    red_status = models.ForeignKey(
        "projects.RagStatus", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="the status tolerances call Red",
    )  # fmt: skip
    # Two PMO people saving the settings at once: the second is told, not silently lost.
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = "organisation"

    def __str__(self):
        return self.name or "The organisation"

    def save(self, *args, **kwargs):
        self.pk = 1  # there is only ever one
        super().save(*args, **kwargs)
        forget_organisation()

    @classmethod
    def current(cls):
        """The organisation, cached for every process until it or a marking changes."""
        organisation = cache.get(CACHE_KEY)
        if organisation is None:
            organisation = (
                cls.objects.select_related("default_marking", "amber_status", "red_status")
                .filter(pk=1)
                .first()
            )
            if organisation is None:
                organisation = cls._create()
            cache.set(CACHE_KEY, organisation, 3600)
        return organisation

    @classmethod
    def _create(cls):
        # The data migration makes the row; a database emptied by hand gets it back.
        marking = Marking.objects.order_by("level").first()
        if marking is None:
            marking = Marking.objects.create(name="OFFICIAL", level=10)
        # The status model by the field, not an import: highlight imports this module.
        rag_status = cls._meta.get_field("amber_status").related_model
        statuses = {s.name: s for s in rag_status.objects.filter(name__in=["Amber", "Red"])}
        organisation, _ = cls.objects.get_or_create(pk=1, defaults={
            "default_marking": marking, "amber_status": statuses.get("Amber"),
            "red_status": statuses.get("Red"),
        })  # fmt: skip
        return organisation

    @property
    def logo_name(self):
        return self.logo.name if self.logo else ""


def forget_organisation():
    cache.delete(CACHE_KEY)
    # Another process could cache the old row between the write and the commit.
    transaction.on_commit(lambda: cache.delete(CACHE_KEY))


def marking_field():
    """The marking a project, register or plan carries: empty means the organisation's."""
    return models.ForeignKey(
        Marking,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="protective marking",
        help_text="Leave empty for the organisation's default marking.",
    )


class ReportTemplate(models.Model):
    """The headings of a highlight report's sections and which optional ones the form
    offers (projects/report_templates.py): the organisation's default, or a programme's."""

    name = models.CharField(max_length=100)
    programme = models.OneToOneField(
        "projects.Project",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="report_template",
        limit_choices_to={"kind": "programme"},
        help_text="Empty for the organisation's default template.",
    )
    # {section key: {"heading": "Do next", "shown": true}}; a key left out keeps Highlight's
    # own heading and is shown.
    sections = models.JSONField(default=dict, blank=True)
    is_default = models.BooleanField(default=False, editable=False)
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["-is_default", "programme__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="one_default_report_template",
            ),
            # The default is the one template with no programme.
            models.CheckConstraint(
                condition=models.Q(is_default=True, programme__isnull=True)
                | models.Q(is_default=False, programme__isnull=False),
                name="report_template_default_or_programme",
            ),
        ]

    def __str__(self):
        return self.name

    @classmethod
    def default(cls):
        template, _ = cls.objects.get_or_create(
            is_default=True, defaults={"name": "The organisation's template"}
        )
        return template

    def heading(self, key):
        return (self.sections.get(key) or {}).get("heading", "").strip()

    def shows(self, key):
        return (self.sections.get(key) or {}).get("shown", True)

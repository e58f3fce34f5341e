from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from projects.models import Project
from projects.models.organisation import marking_field

RESERVED_SLUGS = {"edit", "changes", "pdf", "import", "export"}


class BusinessPlan(models.Model):
    """An organisation's annual plan and its front matter (Markdown)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"

    organisation = models.CharField(max_length=200, blank=True)
    title = models.CharField(max_length=200)
    year = models.CharField(
        max_length=7,
        unique=True,
        help_text="e.g. 2019-20",
        validators=[RegexValidator(r"^\d{4}-\d{2}$", "Write the year as 2019-20.")],
    )
    start = models.DateField(null=True, blank=True)
    end = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    marking = marking_field()
    strapline = models.CharField(max_length=200, blank=True)
    introduction = models.TextField(blank=True)
    vision = models.TextField(blank=True)
    values = models.TextField(blank=True)
    equalities = models.TextField("equalities commitments", blank=True)
    risk_appetite = models.TextField(blank=True)
    resources = models.TextField("resources and budget", blank=True)
    glossary = models.TextField("commonly used terms", blank=True)

    # The plan's front matter, in Markdown: a text box each on the form, printed as written.
    FRONT_MATTER = (
        "introduction",
        "vision",
        "values",
        "equalities",
        "risk_appetite",
        "resources",
        "glossary",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]

    def __str__(self):
        return self.full_title

    def get_absolute_url(self):
        return reverse("businessplan:plan", args=[self.year])

    @property
    def full_title(self):
        """The title with its year, once: "SPSO Business Plan 2019-20" whether or not the
        title already says 2019-20."""
        if self.year and self.year in self.title:
            return self.title
        return f"{self.title} {self.year}".strip()


class StrategicAim(models.Model):
    plan = models.ForeignKey(BusinessPlan, on_delete=models.CASCADE, related_name="aims")
    number = models.PositiveSmallIntegerField()
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="unique_aim_number")]

    def __str__(self):
        return f"Aim {self.number}"


class Section(models.Model):
    """One sheet of the plan's workbook: usually a directorate or team, or a list such as
    last year's completions."""

    plan = models.ForeignKey(BusinessPlan, on_delete=models.CASCADE, related_name="sections")
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="unique_section_name"),
            models.UniqueConstraint(fields=["plan", "slug"], name="unique_section_slug"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            base = slugify(self.name.replace("&", " and "))[:90] or "section"
            if base in RESERVED_SLUGS:  # the plan's own pages
                base += "-section"
            slug, n = base, 1
            while Section.objects.filter(plan=self.plan_id, slug=slug).exclude(pk=self.pk).exists():
                n += 1
                slug = f"{base}-{n}"
            self.slug = slug
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("businessplan:section", args=[self.plan.year, self.slug])


class OwnerRole(models.Model):
    """An activity's owner as the plan writes it ("Dir - C&I"), and the people in that role,
    who may post its updates."""

    name = models.CharField(max_length=100, unique=True)
    users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Activity(models.Model):
    class Kind(models.TextChoices):
        BAU = "bau", "BAU"
        PROJECT = "project", "Project"

    class Priority(models.TextChoices):
        STATUTORY = "statutory", "Statutory"
        STATUTORY_HIGH = "statutory_high", "Statutory/High"
        HIGH = "high", "High"
        MEDIUM = "medium", "Medium"
        LOW = "low", "Low"

    class Status(models.TextChoices):
        ON_TARGET = "on_target", "On target"
        SLIPPAGE = "slippage", "Slippage"
        NOT_STARTED = "not_started", "Not started"
        COMPLETED = "completed", "Completed"
        EXCEEDED = "exceeded", "Exceeded"
        DISCONTINUED = "discontinued", "Discontinued"

    class Origin(models.TextChoices):
        PLANNED = "planned", "Planned"
        CARRIED_FORWARD = "carried_forward", "Carried forward"
        IN_YEAR = "in_year", "In-year addition"

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="activities")
    ref = models.CharField(max_length=20)
    title = models.TextField("activity")
    kind = models.CharField(max_length=10, choices=Kind.choices, blank=True)
    frequency = models.CharField(max_length=60, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    aims = models.ManyToManyField(StrategicAim, blank=True, related_name="activities")
    priority = models.CharField(max_length=16, choices=Priority.choices, blank=True)
    owner = models.ForeignKey(
        OwnerRole, on_delete=models.PROTECT, null=True, blank=True, related_name="activities"
    )
    measure = models.TextField("measure / KPI / reporting", blank=True)
    status = models.CharField(max_length=14, choices=Status.choices, blank=True)
    comment = models.TextField("comment / update", blank=True)
    internal_links = models.TextField(
        "links to key documents", blank=True, help_text="Never published."
    )
    origin = models.CharField(max_length=16, choices=Origin.choices, default=Origin.PLANNED)
    project = models.ForeignKey(
        Project, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    order = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["version", "order"])

    class Meta:
        ordering = ["section", "order", "pk"]
        verbose_name_plural = "activities"
        constraints = [
            models.UniqueConstraint(fields=["section", "ref"], name="unique_activity_ref")
        ]

    def __str__(self):
        return f"{self.ref} {self.title[:60]}"

    def get_absolute_url(self):
        return reverse(
            "businessplan:activity", args=[self.section.plan.year, self.section.slug, self.ref]
        )


class ActivityUpdate(models.Model):
    """A quarterly status update on an activity, by someone in its owner role."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="updates")
    quarter = models.PositiveSmallIntegerField(choices=[(q, f"Q{q}") for q in (1, 2, 3, 4)])
    status = models.CharField(max_length=14, choices=Activity.Status.choices)
    comment = models.TextField(blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]

    def __str__(self):
        return f"Q{self.quarter} update of {self.activity.ref}"

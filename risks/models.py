import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

from projects.models import Project, contrast_text_colour, hex_colour
from projects.models.organisation import marking_field

# Words a risk ref cannot be: they are pages of the register (/risks/<register>/<word>/).
RESERVED_REFS = {"risks", "pdf", "import", "export.xlsx", "new", "edit", "review"}
REF_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")


def ref_problem(ref):
    """Why a ref cannot be used, or None. A ref is one piece of a URL: letters, digits, dots,
    dashes and underscores, at most 40."""
    if not REF_PATTERN.match(ref):
        return (
            f"The ref {ref[:40]!r} must be up to 40 letters, digits, dots, dashes or "
            "underscores (e.g. PP_R011)."
        )
    if ref.lower() in RESERVED_REFS:
        return f"{ref!r} cannot be a ref: it is the name of a page."
    return None


def validate_ref(ref):
    problem = ref_problem(ref)
    if problem:
        raise ValidationError(problem)


RESERVED_SLUGS = {"new", "outside-appetite"}


class Level(models.IntegerChoices):
    """One scale for bands on every matrix, so an appetite reads the same on a 4×4 and a
    5×5 register: a 4×4 simply has no Yellow."""

    GREEN = 1, "Green"
    YELLOW = 2, "Yellow"
    AMBER = 3, "Amber"
    RED = 4, "Red"


class RiskMatrix(models.Model):
    """Probability × impact, any size, square or not. Labels are listed lowest first:
    probability_labels[0] is probability 1."""

    name = models.CharField(max_length=40, unique=True)
    probability_labels = models.JSONField(help_text='Lowest first, e.g. ["Rare", "Unlikely"].')
    impact_labels = models.JSONField(help_text='Lowest first, e.g. ["Insignificant", "Minor"].')
    is_default = models.BooleanField(default=False, help_text="Used for new registers.")

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "risk matrices"

    def __str__(self):
        return self.name

    @property
    def probabilities(self):
        return list(range(1, len(self.probability_labels) + 1))

    @property
    def impacts(self):
        return list(range(1, len(self.impact_labels) + 1))

    def probability_label(self, value):
        return self.probability_labels[value - 1] if value else ""

    def impact_label(self, value):
        return self.impact_labels[value - 1] if value else ""


class RiskBand(models.Model):
    matrix = models.ForeignKey(RiskMatrix, on_delete=models.CASCADE, related_name="bands")
    name = models.CharField(max_length=30)
    colour = models.CharField(max_length=7, validators=[hex_colour])
    level = models.PositiveSmallIntegerField(choices=Level.choices)
    min_score = models.PositiveSmallIntegerField()
    max_score = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["matrix", "min_score"]
        constraints = [
            models.UniqueConstraint(fields=["matrix", "name"], name="unique_band_name"),
            models.CheckConstraint(
                condition=models.Q(max_score__gte=models.F("min_score")), name="band_min_le_max"
            ),
        ]

    def __str__(self):
        return f"{self.name} {self.min_score}–{self.max_score}"

    @property
    def text_colour(self):
        return contrast_text_colour(self.colour)


class RiskCategory(models.Model):
    class Appetite(models.TextChoices):
        AVERSE = "averse", "Averse"
        MINIMAL = "minimal", "Minimal"
        CAUTIOUS = "cautious", "Cautious"
        OPEN = "open", "Open"
        EAGER = "eager", "Eager"

    name = models.CharField(max_length=80, unique=True)
    appetite = models.CharField(max_length=10, choices=Appetite.choices, default=Appetite.CAUTIOUS)
    tolerated_level = models.PositiveSmallIntegerField(
        "highest residual band tolerated",
        choices=Level.choices,
        default=Level.AMBER,
        help_text="A risk whose residual band is above this is outside the appetite.",
    )

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "risk categories"

    def __str__(self):
        return self.name


class CorporatePriority(models.Model):
    name = models.CharField(max_length=120, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "corporate priorities"

    def __str__(self):
        return self.name


class RiskRegister(models.Model):
    name = models.CharField(max_length=200, unique=True)
    slug = models.SlugField(max_length=200, unique=True)
    project = models.ForeignKey(
        Project,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="risk_registers",
        help_text="Leave empty for a corporate or operational register.",
    )
    matrix = models.ForeignKey(RiskMatrix, on_delete=models.PROTECT, related_name="registers")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_registers"
    )
    description = models.TextField(blank=True)
    marking = marking_field()
    heading = models.CharField(
        max_length=120,
        blank=True,
        help_text="What the register calls itself, e.g. OPERATIONAL RISK REGISTER.",
    )
    as_at = models.DateField(
        "as at (month)",
        null=True,
        blank=True,
        help_text="The month its imported title gives; reviews made in Highlight move it on.",
    )
    appetite_statement = models.TextField(
        "risk appetite statement",
        blank=True,
        help_text="Markdown. Leave empty to print the organisation's statement.",
    )
    programmes = models.ManyToManyField(
        Project,
        blank=True,
        related_name="linked_risk_registers",
        limit_choices_to={"kind": "programme"},
        verbose_name="linked programmes",
        help_text="Programmes whose board packs also hold this register's risks.",
    )
    history = HistoricalRecords(m2m_fields=[programmes])

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self.unique_slug()
        super().save(*args, **kwargs)
        if self.pk:
            # Its risks are treated only by its own project's actions (issue 20): moved to
            # another project, or made corporate, it keeps none of the old project's.
            links = Risk.treated_by.through.objects.filter(risk__register=self)
            if self.project_id:
                links = links.exclude(raiditem__project_id=self.project_id)
            links.delete()

    def get_absolute_url(self):
        return reverse("risks:register", args=[self.slug])

    def unique_slug(self):
        base = slugify(self.name)[:190] or "register"
        if base in RESERVED_SLUGS:
            base = f"{base}-register"
        slug, n = base, 1
        while RiskRegister.objects.filter(slug=slug).exclude(pk=self.pk).exists():
            n += 1
            slug = f"{base}-{n}"
        return slug


class Risk(models.Model):
    class Treatment(models.TextChoices):
        TREAT = "treat", "Treat"
        TOLERATE = "tolerate", "Tolerate"
        TRANSFER = "transfer", "Transfer"
        TERMINATE = "terminate", "Terminate"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    register = models.ForeignKey(RiskRegister, on_delete=models.CASCADE, related_name="risks")
    ref = models.CharField(max_length=40, help_text="e.g. PP_R011", validators=[validate_ref])
    title = models.TextField("risk")
    category = models.ForeignKey(
        RiskCategory, on_delete=models.PROTECT, null=True, blank=True, related_name="risks"
    )
    corporate_priority = models.ForeignKey(
        CorporatePriority, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_risks",
        verbose_name="risk owner",
    )
    owner_name = models.CharField(
        "risk owner (no account)",
        max_length=150,
        blank=True,
        help_text="For a risk owner who has no Highlight account.",
    )
    portfolio_holder = models.CharField(max_length=150, blank=True)
    treatment = models.CharField(max_length=10, choices=Treatment.choices, default=Treatment.TREAT)
    inherent_probability = models.PositiveSmallIntegerField()
    inherent_impact = models.PositiveSmallIntegerField()
    residual_probability = models.PositiveSmallIntegerField()
    residual_impact = models.PositiveSmallIntegerField()
    target_probability = models.PositiveSmallIntegerField(null=True, blank=True)
    target_impact = models.PositiveSmallIntegerField(null=True, blank=True)
    consequences = models.TextField(blank=True)
    controls = models.TextField("current controls", blank=True)
    assurance = models.TextField(blank=True)
    actions = models.TextField("actions and progress", blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    # The retention schedule counts from the day a risk closed (risks/retention.py).
    closed_on = models.DateField(null=True, blank=True, editable=False)
    next_review_date = models.DateField(null=True, blank=True)
    # The project's RAID actions that treat it (issue 20): the link lives here, since the
    # projects app imports no other.
    treated_by = models.ManyToManyField(
        "projects.RaidItem", blank=True, related_name="treated_risks",
        limit_choices_to={"kind": "action"}, verbose_name="actions treating it",
        help_text="The register's project's actions (from its RAID log) that treat this risk.",
    )  # fmt: skip
    version = models.PositiveIntegerField(default=1)
    history = HistoricalRecords(excluded_fields=["version"], m2m_fields=[treated_by])

    class Meta:
        ordering = ["register", "ref"]
        constraints = [models.UniqueConstraint(fields=["register", "ref"], name="unique_risk_ref")]

    def __str__(self):
        return f"{self.ref} {self.title[:60]}"

    def save(self, *args, **kwargs):
        self.note_closing()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "status" in update_fields:
            kwargs["update_fields"] = {*update_fields, "closed_on"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("risks:risk", args=[self.register.slug, self.ref])

    def note_closing(self):
        """Bulk imports call this themselves: they go round save()."""
        if self.status != self.Status.CLOSED:
            self.closed_on = None
        elif self.closed_on is None:
            self.closed_on = timezone.localdate()

    @property
    def owner_display(self):
        return str(self.owner) if self.owner else self.owner_name

    def clean(self):
        matrix = self.register.matrix if self.register_id else None
        if matrix is None:
            return
        errors = {}
        for kind in ("inherent", "residual", "target"):
            probability = getattr(self, f"{kind}_probability")
            impact = getattr(self, f"{kind}_impact")
            if (probability is None) != (impact is None):
                errors[f"{kind}_impact"] = f"Give both the {kind} probability and impact."
            if probability is not None and probability not in matrix.probabilities:
                errors[f"{kind}_probability"] = f"Choose 1–{len(matrix.probabilities)}."
            if impact is not None and impact not in matrix.impacts:
                errors[f"{kind}_impact"] = f"Choose 1–{len(matrix.impacts)}."
        if errors:
            raise ValidationError(errors)


class RiskReview(models.Model):
    """A dated look at a risk by its owner: the scores then, a comment, signed off or not."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    inherent_probability = models.PositiveSmallIntegerField()
    inherent_impact = models.PositiveSmallIntegerField()
    residual_probability = models.PositiveSmallIntegerField()
    residual_impact = models.PositiveSmallIntegerField()
    target_probability = models.PositiveSmallIntegerField(null=True, blank=True)
    target_impact = models.PositiveSmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)
    signed_off = models.BooleanField(default=False)
    # A sign-off read from a spreadsheet: dated as the sheet is (its month), not the import.
    imported = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-reviewed_on", "-pk"]
        indexes = [models.Index(fields=["risk", "-reviewed_on", "-id"], name="review_latest")]

    def __str__(self):
        return f"Review of {self.risk.ref} on {self.reviewed_on:%d/%m/%Y}"

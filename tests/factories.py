"""One factory per model, building data a PMO would recognise.

Defaults are only there to make a valid row: a test sets every value it asserts on. Seeded
reference data (RAG dimensions and statuses, risk matrices and categories, groups) comes
from the migrations: look it up (`RiskMatrix.objects.get(name="4x4")`), or use the
factories marked get-or-create, which return the seeded row when the name is one."""

import datetime

import factory
from factory.django import DjangoModelFactory

from businessplan.models import (
    Activity,
    ActivityUpdate,
    BusinessPlan,
    OwnerRole,
    Section,
    StrategicAim,
)
from projects.models import (
    Concern,
    Deliverable,
    HighlightReport,
    Marking,
    Project,
    RagDimension,
    RagRating,
    RagStatus,
    ReportReminder,
    User,
    Workstream,
    WorkstreamProgress,
)
from projects.reporting import create_report
from reports.models import Document, MonthlyRun, ReportingRun
from risks.models import (
    CorporatePriority,
    Level,
    Risk,
    RiskBand,
    RiskCategory,
    RiskMatrix,
    RiskRegister,
    RiskReview,
)


def one_of(*names):
    """The names in turn, numbered once they run out, so a name that must be unique stays
    unique however many a test makes."""

    def name(n):
        lap = n // len(names)
        return names[n % len(names)] + (f" {lap + 1}" if lap else "")

    return factory.Sequence(name)


def add_many(field):
    """A post-generation hook filling a many-to-many field: `ProjectFactory(editors=[erin])`."""

    def add(obj, create, extracted, **kwargs):
        if create and extracted:
            getattr(obj, field).add(*extracted)

    return factory.PostGeneration(add)


# --- projects ----------------------------------------------------------------------------


class UserFactory(DjangoModelFactory):
    """A person: everyone named in a report is a user."""

    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="en_GB")
    last_name = factory.Faker("last_name", locale="en_GB")
    job_title = factory.Iterator(
        ["Project Manager", "Head of Libraries", "Director of Place", "Programme Officer"]
    )
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class MarkingFactory(DjangoModelFactory):
    """A marking above the seeded two (OFFICIAL 10, OFFICIAL-SENSITIVE 20)."""

    class Meta:
        model = Marking
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"SECRET-{n}")
    level = factory.Sequence(lambda n: 100 + n)


def marking(name):
    """One of the markings the migration seeds (OFFICIAL, OFFICIAL-SENSITIVE)."""
    return Marking.objects.get(name=name)


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = Project
        skip_postgeneration_save = True

    # Codes with dots, like the real SORPv.1, so URLs with dots are always exercised.
    code = factory.Sequence(lambda n: f"PRJv.{n}")
    name = factory.Iterator(
        ["Library Refurbishment", "Depot Relocation", "Customer Portal Replacement",
         "Leisure Centre Rebuild", "Waste Collection Redesign", "Payroll System Upgrade"]
    )  # fmt: skip
    sponsor = factory.SubFactory(UserFactory)
    manager = factory.SubFactory(UserFactory)
    editors = add_many("editors")


class ProgrammeFactory(ProjectFactory):
    code = factory.Sequence(lambda n: f"PROGv.{n}")
    name = factory.Iterator(
        ["Culture Action Plan", "Digital Transformation Programme", "Estates Strategy"]
    )
    kind = Project.Kind.PROGRAMME


class WorkstreamFactory(DjangoModelFactory):
    class Meta:
        model = Workstream

    project = factory.SubFactory(ProjectFactory)
    name = one_of("Building works", "Social Care Practice", "Digital", "Workforce", "Procurement")


class RagDimensionFactory(DjangoModelFactory):
    """Get-or-create by name: `RagDimensionFactory(name="Overall")` is the seeded line."""

    class Meta:
        model = RagDimension
        django_get_or_create = ("name",)

    name = one_of("Benefits", "Resources", "Stakeholders", "Quality")
    order = factory.Sequence(lambda n: 10 + n)  # after the seeded four


class RagStatusFactory(DjangoModelFactory):
    """Get-or-create by name: `RagStatusFactory(name="Red")` is the seeded status. A new one
    is a point an organisation adds to its scale, such as Amber/Red."""

    class Meta:
        model = RagStatus
        django_get_or_create = ("name",)

    name = one_of("Amber/Red", "Amber/Green")
    colour = factory.LazyAttribute(lambda s: "#85994b" if "Green" in s.name else "#e35d1f")
    severity = 35
    order = factory.Sequence(lambda n: 10 + n)


class ReportFactory(DjangoModelFactory):
    """A draft report made the way the application makes one (create_report), so it has a
    rating line for every RAG dimension. `rated=True` gives every line a status."""

    class Meta:
        model = HighlightReport

    project = factory.SubFactory(ProjectFactory)
    period_start = datetime.date(2024, 3, 1)
    summary = "Work is progressing to plan."
    rated = False  # passed to _create, which takes it out before creating the report

    @classmethod
    def _create(cls, model_class, project, period_start, rated=False, **fields):
        report = create_report(project, period_start, fields.pop("period_end", None), **fields)
        if rated:
            statuses = list(RagStatus.objects.order_by("order"))
            for i, rating in enumerate(report.ratings.order_by("dimension__order")):
                rating.status = statuses[i % len(statuses)]
                rating.comment = f"Comment on {rating.dimension.name}"
                rating.save()
        return report


class RagRatingFactory(DjangoModelFactory):
    """A rating on a dimension the report did not start with (reports are made with a line
    for every active dimension: change those with `rate`)."""

    class Meta:
        model = RagRating

    report = factory.SubFactory(ReportFactory)
    dimension = factory.SubFactory(RagDimensionFactory)
    status = None  # not rated


class ConcernFactory(DjangoModelFactory):
    class Meta:
        model = Concern

    report = factory.SubFactory(ReportFactory)
    concern = factory.Iterator(
        ["Contractor availability over the summer", "Asbestos found in the roof void",
         "Construction inflation is eating the contingency"]
    )  # fmt: skip
    countermeasure = factory.Iterator(
        ["Second contractor approved as a fallback", "Specialist survey booked",
         "Value engineering review with the architect"]
    )  # fmt: skip


class DeliverableFactory(DjangoModelFactory):
    class Meta:
        model = Deliverable

    report = factory.SubFactory(ReportFactory)
    description = factory.Iterator(
        ["Strip out the old shelving", "Install the new lighting", "Staff trained on self-service"]
    )


class WorkstreamProgressFactory(DjangoModelFactory):
    """Progress on a workstream added after the report was started (a report is made with a
    progress section for every workstream the project had then)."""

    class Meta:
        model = WorkstreamProgress

    report = factory.SubFactory(ReportFactory)
    workstream = factory.SubFactory(
        WorkstreamFactory, project=factory.SelfAttribute("..report.project")
    )
    achievements = "Design signed off by the project board."
    next_steps = "Go out to tender."


class ReportReminderFactory(DjangoModelFactory):
    class Meta:
        model = ReportReminder

    project = factory.SubFactory(ProjectFactory)
    period_start = datetime.date(2024, 3, 1)
    kind = ReportReminder.Kind.DUE_SOON
    recipients = factory.LazyAttribute(lambda r: r.project.manager.email)


# --- risks -------------------------------------------------------------------------------

BAND_COLOURS = {"Green": "#00703c", "Yellow": "#ffdd00", "Amber": "#f47738", "Red": "#d4351c"}


class RiskBandFactory(DjangoModelFactory):
    """A band of a matrix (give it one): RiskMatrixFactory makes them from its `bands`."""

    class Meta:
        model = RiskBand

    name = "Green"
    colour = factory.LazyAttribute(lambda b: BAND_COLOURS[b.name])
    level = factory.LazyAttribute(lambda b: Level[b.name.upper()])
    min_score = 1
    max_score = 2


class RiskMatrixFactory(DjangoModelFactory):
    """A matrix of the organisation's own (the seeded 4x4 and 5x5 are looked up, not made),
    with its bands: `bands=[("Green", 1, 5), ("Red", 6, 15)]`; by default a 3×3 one."""

    class Meta:
        model = RiskMatrix
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"3x3 ({n})")
    probability_labels = ["Unlikely", "Possible", "Likely"]
    impact_labels = ["Minor", "Moderate", "Major"]

    @factory.post_generation
    def bands(matrix, create, extracted, **kwargs):
        default = [("Green", 1, 2), ("Amber", 3, 4), ("Red", 6, 9)]
        for name, low, high in default if extracted is None else extracted:
            RiskBandFactory(matrix=matrix, name=name, min_score=low, max_score=high)


class RiskCategoryFactory(DjangoModelFactory):
    """A category the PMO adds beside the seeded ones (Strategic, Reputational …)."""

    class Meta:
        model = RiskCategory

    name = one_of("Partnerships", "Environmental", "Commercial", "Safeguarding", "Climate")


class CorporatePriorityFactory(DjangoModelFactory):
    class Meta:
        model = CorporatePriority

    name = one_of("Dacorum Delivers", "Affordable housing", "Clean, safe and enjoyable environment")


class RiskRegisterFactory(DjangoModelFactory):
    """A corporate register on the default matrix (5x5) unless told otherwise."""

    class Meta:
        model = RiskRegister

    name = one_of("Corporate risks", "Performance and Projects", "Finance and Resources",
                  "Housing Services")  # fmt: skip
    matrix = factory.LazyFunction(lambda: RiskMatrix.objects.get(is_default=True))
    owner = factory.SubFactory(UserFactory)


class RiskFactory(DjangoModelFactory):
    """`inherent` and `residual` are (probability, impact); the defaults fit a 4×4 and a 5×5."""

    class Meta:
        model = Risk

    class Params:
        inherent = (3, 4)
        residual = (2, 4)

    register = factory.SubFactory(RiskRegisterFactory)
    ref = factory.Sequence(lambda n: f"CR_{n + 1:03d}")
    title = factory.Iterator(
        ["Cyber attack disrupts council services", "Savings targets are not met",
         "Contractor enters administration", "Key staff leave during the restructure"]
    )  # fmt: skip
    inherent_probability = factory.LazyAttribute(lambda r: r.inherent[0])
    inherent_impact = factory.LazyAttribute(lambda r: r.inherent[1])
    residual_probability = factory.LazyAttribute(lambda r: r.residual[0])
    residual_impact = factory.LazyAttribute(lambda r: r.residual[1])


class RiskReviewFactory(DjangoModelFactory):
    """A signed-off review by the register's owner, at the risk's current scores."""

    class Meta:
        model = RiskReview

    risk = factory.SubFactory(RiskFactory)
    reviewed_on = datetime.date(2024, 3, 1)
    reviewed_by = factory.SelfAttribute("risk.register.owner")
    inherent_probability = factory.SelfAttribute("risk.inherent_probability")
    inherent_impact = factory.SelfAttribute("risk.inherent_impact")
    residual_probability = factory.SelfAttribute("risk.residual_probability")
    residual_impact = factory.SelfAttribute("risk.residual_impact")
    comment = "Controls tested at the quarterly review; no change."
    signed_off = True


# --- business plans ----------------------------------------------------------------------


class BusinessPlanFactory(DjangoModelFactory):
    class Meta:
        model = BusinessPlan

    organisation = "Scottish Public Services Ombudsman"
    title = "SPSO Business Plan"
    year = factory.Sequence(lambda n: f"{2030 + n}-{(31 + n) % 100:02d}")


class StrategicAimFactory(DjangoModelFactory):
    class Meta:
        model = StrategicAim

    plan = factory.SubFactory(BusinessPlanFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = factory.Iterator(
        ["Deliver a high quality, user-focused service", "Support public service improvement",
         "Use our resources wisely"]
    )  # fmt: skip


class SectionFactory(DjangoModelFactory):
    """A sheet of the plan's workbook; its slug is made from its name when not given."""

    class Meta:
        model = Section

    plan = factory.SubFactory(BusinessPlanFactory)
    name = one_of("C&I", "Corporate Services", "Complaints Standards Authority", "Investigations")


class OwnerRoleFactory(DjangoModelFactory):
    """An activity owner as the plan writes it, with the people who may post its updates:
    `OwnerRoleFactory(users=[charlie])`."""

    class Meta:
        model = OwnerRole
        skip_postgeneration_save = True

    name = one_of("Dir - C&I", "Dir - CS", "Head of Finance", "HR Manager")
    users = add_many("users")


class ActivityFactory(DjangoModelFactory):
    class Meta:
        model = Activity

    section = factory.SubFactory(SectionFactory)
    ref = factory.Sequence(lambda n: f"CI {n + 1}")
    title = factory.Iterator(
        ["Refresh the website", "Publish the annual report and accounts",
         "Review the complaints handling procedure", "Run the staff survey"]
    )  # fmt: skip


class ActivityUpdateFactory(DjangoModelFactory):
    class Meta:
        model = ActivityUpdate

    activity = factory.SubFactory(ActivityFactory)
    quarter = 1
    status = Activity.Status.ON_TARGET
    comment = "Content review under way; launch planned for the autumn."
    updated_by = factory.SubFactory(UserFactory)


# --- reports -----------------------------------------------------------------------------


class DocumentFactory(DjangoModelFactory):
    """A highlight report's PDF as asked for by the project's manager: `DocumentFactory(
    report=draft, status=Document.Status.FAILED)`."""

    class Meta:
        model = Document

    class Params:
        report = factory.SubFactory(ReportFactory)

    kind = "highlight_report"
    params = factory.LazyAttribute(
        lambda d: {"project": d.report.project.code, "period": d.report.period_slug}
    )
    source = factory.SelfAttribute("report")
    fingerprint = factory.Sequence(lambda n: f"{n:064x}")
    requested_by = factory.SelfAttribute("report.project.manager")


class MonthlyRunFactory(DjangoModelFactory):
    class Meta:
        model = MonthlyRun

    day_of_month = 10


class ReportingRunFactory(DjangoModelFactory):
    class Meta:
        model = ReportingRun

    period = factory.Sequence(lambda n: datetime.date(2024 + n // 12, n % 12 + 1, 1))


def rate(report, **by_dimension):
    """rate(report, Overall="Red", Budget="Green"): set ratings by dimension and status name,
    each with a comment (Red, Amber and changed ratings need one to be submitted)."""
    for dimension, status in by_dimension.items():
        RagRating.objects.filter(report=report, dimension__name=dimension.replace("_", " ")).update(
            status=RagStatus.objects.get(name=status), comment=f"{status} because of {dimension}"
        )

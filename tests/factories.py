import datetime

import factory
from factory.django import DjangoModelFactory

from projects.models import Concern, HighlightReport, Project, RagRating, RagStatus, User
from projects.reporting import create_report


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    job_title = factory.Faker("job")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class ProjectFactory(DjangoModelFactory):
    class Meta:
        model = Project

    # Codes with dots, like the real SORPv.1, so URLs with dots are always exercised.
    code = factory.Sequence(lambda n: f"PRJv.{n}")
    name = factory.Sequence(lambda n: f"Project number {n}")
    sponsor = factory.SubFactory(UserFactory)
    manager = factory.SubFactory(UserFactory)


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


class ConcernFactory(DjangoModelFactory):
    class Meta:
        model = Concern

    report = factory.SubFactory(ReportFactory)
    concern = factory.Faker("sentence")
    countermeasure = factory.Faker("sentence")


def rate(report, **by_dimension):
    """rate(report, Overall="Red", Budget="Green"): set ratings by dimension and status name,
    each with a comment (Red, Amber and changed ratings need one to be submitted)."""
    for dimension, status in by_dimension.items():
        RagRating.objects.filter(report=report, dimension__name=dimension.replace("_", " ")).update(
            status=RagStatus.objects.get(name=status), comment=f"{status} because of {dimension}"
        )

"""Removing a previous seed_scale run's data (make bench and the query-count test reseed), and
letting its people sign in (make soak)."""

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType

from businessplan.models import Activity, ActivityUpdate, BusinessPlan, Section, StrategicAim
from projects import second_factor
from projects.models import (
    Concern,
    Deliverable,
    FinanceLine,
    HighlightReport,
    Milestone,
    Project,
    RagRating,
    RaidItem,
    Rebaseline,
    ReportReminder,
    User,
    Workstream,
    WorkstreamProgress,
)
from reports.models import Document
from risks.models import Risk, RiskRegister, RiskReview


def clear_scale_data(prefix):
    """Remove a previous run's data. Raw deletes, children first: the ORM's delete would
    load every row and write a history row for each (minutes at this size)."""
    projects = Project.objects.filter(code__startswith=prefix)
    reports = HighlightReport.objects.filter(project__in=projects)
    registers = RiskRegister.objects.filter(name__startswith=f"{prefix} ")
    plan = BusinessPlan.objects.filter(year="2099-00")
    activities = Activity.objects.filter(section__plan__in=plan)
    documents = Document.objects.filter(
        source_type=ContentType.objects.get_for_model(HighlightReport),
        source_id__in=reports.values("pk"),
    )
    for queryset in (
        Document.requesters.through.objects.filter(document__in=documents),
        documents,
        RagRating.objects.filter(report__in=reports),
        Concern.objects.filter(report__in=reports),
        WorkstreamProgress.objects.filter(report__in=reports),
        Deliverable.objects.filter(report__in=reports),
        reports,
        RiskReview.objects.filter(risk__register__in=registers),
        Risk.treated_by.through.objects.filter(risk__register__in=registers),
        Risk.objects.filter(register__in=registers),
        registers,
        ReportReminder.objects.filter(project__in=projects),
        # The plan, money and RAID log make bench gives a project (issue 20).
        Risk.treated_by.through.objects.filter(raiditem__project__in=projects),
        RaidItem.objects.filter(project__in=projects),
        FinanceLine.objects.filter(project__in=projects),
        Rebaseline.objects.filter(milestone__project__in=projects),
        Milestone.objects.filter(project__in=projects),
        Workstream.objects.filter(project__in=projects),
        Activity.aims.through.objects.filter(activity__in=activities),
        ActivityUpdate.objects.filter(activity__in=activities),
        activities,
        Section.objects.filter(plan__in=plan),
        StrategicAim.objects.filter(plan__in=plan),
        plan,
        projects.filter(kind="project"),
        projects,
    ):
        queryset._raw_delete(queryset.db)


def sign_in(password, totp_secret):
    """Everyone signs in with `password` (one hash: it is the same for all), and those who
    must use an authenticator app have one with `totp_secret`."""
    User.objects.filter(username__startswith="sc.").update(password=make_password(password))
    if not totp_secret:
        return
    for user in User.objects.filter(username__startswith="sc."):
        if second_factor.required(user):
            Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
            TOTP.activate(user, totp_secret)

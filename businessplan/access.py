"""Who may read and change business plans (DESIGN.md): every signed-in user reads a
published plan; directors and the PMO also read drafts and the internal-only column; the
people in an activity's owner role post its updates; the PMO edits and imports plans."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from projects.access import is_director, is_pmo

from .models import Activity, BusinessPlan


def sees_internal(user):
    return is_pmo(user) or is_director(user)


def can_manage_plans(user):
    """Creating, editing and importing plans."""
    return is_pmo(user)


def visible_plans(user):
    plans = BusinessPlan.objects.all()
    if sees_internal(user):
        return plans
    return plans.filter(status=BusinessPlan.Status.PUBLISHED)


def get_plan(user, year, manage=False):
    plan = visible_plans(user).filter(year=year).first()
    if plan is None:
        raise Http404("No such plan.")
    if manage and not can_manage_plans(user):
        raise PermissionDenied
    return plan


def get_section(user, year, slug):
    plan = get_plan(user, year)
    section = plan.sections.filter(slug=slug).first()
    if section is None:
        raise Http404("No such section.")
    section.plan = plan
    return section


def can_update(user, activity):
    return is_pmo(user) or (
        activity.owner_id is not None and activity.owner.users.filter(pk=user.pk).exists()
    )


def get_activity(user, year, slug, ref, update=False):
    section = get_section(user, year, slug)
    activity = (
        Activity.objects.select_related("owner", "project").filter(section=section, ref=ref).first()
    )
    if activity is None:
        raise Http404("No such activity.")
    activity.section = section
    if update and not can_update(user, activity):
        raise PermissionDenied
    return activity

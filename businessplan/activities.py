"""Rules for a plan's activities: a quarterly update that cannot silently overwrite another
made since the form was opened (optimistic locking, as reporting.save_report and
registers.save_risk), and who owns a plan's activities."""

from django.db import transaction
from django.db.models import F

from .models import Activity, OwnerRole


class StaleActivity(Exception):
    """Someone else updated the activity after this form was opened."""


def record_update(activity, form, user, expected_version):
    """Record the quarterly update in a valid UpdateForm in the activity's history, and give
    the activity the update's status and comment; unless the activity has changed since the
    form was opened (its version is no longer `expected_version`): then nothing is written
    and StaleActivity is raised, so the user keeps what they typed."""
    with transaction.atomic():
        bumped = Activity.objects.filter(pk=activity.pk, version=expected_version).update(
            version=F("version") + 1
        )
        if not bumped:
            raise StaleActivity
        update = form.save(commit=False)
        update.activity, update.updated_by = activity, user
        update.save()
        activity.refresh_from_db()
        activity.status, activity.comment = update.status, update.comment
        activity._history_user = user
        activity.save(update_fields=["status", "comment"])
    return update


def owners(plans):
    """(username, "Niki Maclean (Dir - C&I)") for everyone in the owner role of an activity
    of one of `plans`, by name: whose activities a plan can be printed for."""
    people = {}
    for username, first, last, role in (
        OwnerRole.users.through.objects.filter(ownerrole__activities__section__plan__in=plans)
        .values_list("user__username", "user__first_name", "user__last_name", "ownerrole__name")
        .distinct()
    ):
        name = f"{first} {last}".strip() or username
        people.setdefault((username, name), set()).add(role)
    choices = [
        (username, f"{name} ({', '.join(sorted(roles))})")
        for (username, name), roles in people.items()
    ]
    return sorted(choices, key=lambda choice: choice[1].lower())

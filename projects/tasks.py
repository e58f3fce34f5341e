"""The projects app's Celery tasks, as the worker and the beat schedule find them. This
module imports the rule modules; they never import it, so there is no import cycle."""

from celery import shared_task
from django.utils import timezone

# Defined beside the code that queues it; imported here so that the worker, which
# discovers this module, registers it.
from . import anonymise, audit, retention
from .notifications import send_email
from .onboarding.invitations import send_invitations
from .passwords import send_password_reset
from .reminders import send_reminders

__all__ = [
    "remove_old_audit_events",
    "send_email",
    "send_invitations",
    "send_password_reset",
    "send_report_reminders",
]


@shared_task
def send_report_reminders():
    return len(send_reminders(timezone.localdate()))


@shared_task
def remove_old_audit_events():
    return audit.remove_expired()


@shared_task
def anonymise_leavers():
    return anonymise.anonymise_leavers()


# Longer than other tasks (the first night after an upgrade may remove years of records),
# and within the broker's visibility timeout (an hour), so it is never delivered twice.
@shared_task(soft_time_limit=1500, time_limit=1800)
def apply_retention():
    return retention.apply()

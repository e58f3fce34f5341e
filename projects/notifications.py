"""Emails about highlight reports. Messages are composed when the event happens and sent by
a Celery task once the transaction commits, so a slow mail server never holds up a page
and a rolled-back transition sends nothing.

The sending task lives here, beside the only code that queues it: `tasks.py` imports the
rule modules (reminders, and this one through them), and no rule module imports `tasks`.
"""

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string

from . import markings, raid
from .deputies import deputies_of
from .models import Organisation

logger = logging.getLogger(__name__)


def absolute(path):
    return settings.SITE_URL.rstrip("/") + path


def compose(template, marking=None, **context):
    """(subject, body) of an email; the subject names the protective marking of what it is
    about, and the body is signed in the organisation's name."""
    context["site_url"] = settings.SITE_URL.rstrip("/")
    context["signature"] = signature()
    subject, _, body = render_to_string(template, context).strip().partition("\n")
    subject = " ".join(subject.split())
    if marking is not None:
        subject = markings.subject(marking, subject)
    return subject, body.strip()


def signature():
    name = Organisation.current().name
    return f"Highlight · {name}" if name else "Highlight"


def addresses(recipients):
    return sorted({user.email for user in recipients if user and user.email})


def send(template, recipients, marking=None, **context):
    recipients = addresses(recipients)
    if not recipients:
        return
    subject, body = compose(template, marking, **context)
    transaction.on_commit(lambda: queue_email(subject, body, recipients))


# Named as when it lived in tasks.py, so emails queued by an older release still go out.
@shared_task(name="projects.tasks.send_email", bind=True, max_retries=5, acks_late=True)
def send_email(self, subject, body, recipients):
    try:
        send_mail(subject, body, None, recipients)
    except OSError as exc:  # the mail server is down or refused us: try again later
        raise self.retry(exc=exc, countdown=min(600, 30 * 2**self.request.retries)) from exc


def queue_email(subject, body, recipients):
    try:
        send_email.delay(subject, body, recipients)
    except Exception:
        # The broker (Redis) is down. What the email tells of has happened already, so send
        # it now rather than lose it; a mail server down as well is logged, with the email.
        logger.exception("Could not queue an email; sending it from the request instead")
        try:
            send_mail(subject, body, None, recipients)
        except OSError:
            logger.exception("Email not sent: %s, to %s", subject, ", ".join(recipients))


def report_submitted(report):
    approver = report.named_approver or report.project.sponsor
    send(
        "email/report_submitted.txt",
        # Whoever approves it: the approver the PMO named in place of the sponsor, if any,
        # and anyone deputising for them today.
        [approver, *deputies_of(approver)],
        marking=markings.marking_of(report),
        report=report,
        project=report.project,
        url=absolute(report.get_absolute_url()),
    )


def report_approved(report):
    send(
        "email/report_approved.txt",
        report.project.report_writers(),
        marking=markings.marking_of(report),
        report=report,
        project=report.project,
        url=absolute(report.get_absolute_url()),
    )


def report_returned(report):
    send(
        "email/report_returned.txt",
        report.project.report_writers(),
        marking=markings.marking_of(report),
        report=report,
        project=report.project,
        url=absolute(report.get_absolute_url()),
    )


def send_reminder_now(due, kind, recipients, today):
    """Sent at once, not queued: the daily job runs on a worker already, and the reminder
    must only be recorded as sent if it was (reminders.send_reminders)."""
    subject, body = compose(
        f"email/reminder_{kind}.txt",
        markings.marking_of(due.project),
        due=due,
        project=due.project,
        days_late=(today - due.due).days,
        url=absolute(due.project.get_absolute_url()),
        # The RAID log's actions past due, flagged where the manager will read them.
        overdue_actions=raid.overdue_actions(due.project, today),
    )
    send_mail(subject, body, None, addresses(recipients))


def sponsor_changed(project, old, new, by):
    """Both sponsors hear of a change of sponsor: the old one stops approving the project's
    reports, the new one starts; either can say at once if it was not agreed."""
    send(
        "email/sponsor_changed.txt",
        [old, new],
        marking=markings.marking_of(project),
        project=project,
        old=old,
        new=new,
        by=by,
        url=absolute(project.get_absolute_url()),
    )


def approver_named(report, approver, by):
    send(
        "email/approver_named.txt",
        [approver],
        marking=markings.marking_of(report),
        report=report,
        project=report.project,
        approver=approver,
        by=by,
        url=absolute(report.get_absolute_url()),
    )

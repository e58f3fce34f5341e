"""Reminders of highlight reports due, and escalation of overdue ones (run daily by beat).

For each report not yet submitted: the manager hears REPORT_REMINDER_DAYS_BEFORE days
before it is due and again once it is overdue; REPORT_ESCALATE_TO_SPONSOR_DAYS after the
due date the sponsor is told, and REPORT_ESCALATE_TO_DIRECTOR_DAYS after it the project's
director (or, when none is named, the Directors group). Each is sent once.
"""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from . import channels, notifications, schedule
from .access import DIRECTORS
from .models import Project, ReportReminder

Kind = ReportReminder.Kind
logger = logging.getLogger(__name__)


def kinds_due(due, today):
    """The reminders a report due on `due` has earned by `today`, mildest first."""
    days_late = (today - due).days
    earned = []
    if today >= due - datetime.timedelta(days=settings.REPORT_REMINDER_DAYS_BEFORE):
        earned.append(Kind.DUE_SOON if days_late <= 0 else Kind.OVERDUE)
    if days_late >= settings.REPORT_ESCALATE_TO_SPONSOR_DAYS:
        earned.append(Kind.TO_SPONSOR)
    if days_late >= settings.REPORT_ESCALATE_TO_DIRECTOR_DAYS:
        earned.append(Kind.TO_DIRECTOR)
    return earned


def recipients_for(kind, project, directors):
    if kind in (Kind.DUE_SOON, Kind.OVERDUE):
        return project.report_writers()
    if kind == Kind.TO_SPONSOR:
        return [project.sponsor]
    return [project.director] if project.director else directors


def post_overdue(due, today, hooks):
    """The channel hears once that a report is overdue, whoever the emails reach."""
    hook = channels.hook_for(due.project, hooks)
    if hook is None or today <= due.due:
        return
    try:
        with transaction.atomic():
            ReportReminder.objects.create(
                project=due.project, period_start=due.period_start, kind=Kind.CHANNEL,
                recipients=hook.host,
            )  # fmt: skip
            channels.report_overdue(due, hook)  # posted once the record commits
    except IntegrityError:
        pass  # another run posted it a moment ago


def send_reminders(today):
    """Send what is owed today; returns the reminders sent."""
    projects = Project.objects.filter(status=Project.Status.ACTIVE).select_related(
        "manager", "sponsor", "director"
    )
    outstanding = schedule.outstanding_reports(projects, today)
    already = set(
        ReportReminder.objects.filter(project__in={d.project.pk for d in outstanding}).values_list(
            "project_id", "period_start", "kind"
        )
    )
    directors = list(get_user_model().objects.filter(groups__name=DIRECTORS, is_active=True))
    hooks = channels.all_hooks()
    sent = []
    for due in outstanding:
        if (due.project.pk, due.period_start, Kind.CHANNEL) not in already:
            post_overdue(due, today, hooks)
        for kind in kinds_due(due.due, today):
            if (due.project.pk, due.period_start, kind) in already:
                continue
            people = [p for p in recipients_for(kind, due.project, directors) if p and p.email]
            if not people:
                continue  # not recorded as sent: tried again once someone is named
            try:
                # Recorded and sent together: if the mail server refuses, the record is
                # rolled back and tomorrow's run tries again.
                with transaction.atomic():
                    reminder = ReportReminder.objects.create(
                        project=due.project,
                        period_start=due.period_start,
                        kind=kind,
                        recipients="\n".join(notifications.addresses(people)),
                    )
                    notifications.send_reminder_now(due, kind, people, today)
            except IntegrityError:
                continue  # another run sent it a moment ago
            except OSError:
                logger.exception("Could not send a reminder for %s", due.project.code)
                continue
            sent.append(reminder)
    return sent

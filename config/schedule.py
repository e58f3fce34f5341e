"""What Celery beat runs, and when; and the records' retention settings it applies
(issue 22). Read into config/settings.py."""

import environ
from celery.schedules import crontab

env = environ.Env()

# A switched-off person's name, email and job title are replaced by "Former member of staff
# N" this many days after they left (projects/anonymise.py).
LEAVER_RETENTION_DAYS = env.int("LEAVER_RETENTION_DAYS", default=730)

CELERY_BEAT_SCHEDULE = {
    # Reminders and escalations of highlight reports due (projects/reminders.py); each is
    # sent once, so running late or twice does no harm.
    # The monthly reporting run (reports/runs.py): the task checks the day the PMO set.
    "monthly-reporting-run": {
        "task": "reports.tasks.monthly_reporting_run",
        "schedule": crontab(hour=6, minute=0),
    },
    # The audit keeps AUDIT_RETENTION_DAYS; the removal records that it ran.
    "remove-old-audit-events": {
        "task": "projects.tasks.remove_old_audit_events",
        "schedule": crontab(hour=2, minute=15),
    },
    # Leavers past LEAVER_RETENTION_DAYS are anonymised (projects/anonymise.py).
    "anonymise-leavers": {
        "task": "projects.tasks.anonymise_leavers",
        "schedule": crontab(hour=2, minute=30),
    },
    # The retention schedule (projects/retention.py): what is due goes, unless held.
    "apply-retention": {
        "task": "projects.tasks.apply_retention",
        "schedule": crontab(hour=2, minute=45),
    },
    "send-report-reminders": {
        "task": "projects.tasks.send_report_reminders",
        "schedule": crontab(hour=7, minute=30),
    },
    # A message lost with its broker (a Redis restart) would leave a document queued
    # forever; this sweep re-sends such documents and those whose worker died.
    "requeue-stalled-documents": {
        "task": "reports.tasks.requeue_stalled_documents",
        "schedule": 60.0,
    },
}

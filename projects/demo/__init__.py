"""The projects app's demo data: the demo users, and the three sample projects with their
reports (one module each: `sorp`, `sib`, `cap`, written as the samples are).

`seed_demo` (in `reports`, which may read every app) composes this with `risks.demo` and
`businessplan.demo`: every part has `USERS` (username, first, last, job title, unit, groups)
and `seed(users, stdout)`. The users are made here, in the hub, by `seed_users`. A report is
created once, as its sample has it: a demo user may move it on later, and running the seed
again changes nothing.
"""

import datetime

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import Group
from django.utils import timezone

from projects.models import (
    Concern,
    Deliverable,
    HighlightReport,
    Project,
    RagRating,
    RagStatus,
    ReportTemplate,
    User,
    Workstream,
)
from projects.reporting import create_report
from reports.services import freeze_approved_report

from .cap import CAP_DELIVERABLES, CAP_PROJECT, CAP_REPORT, CAP_TEMPLATE, CAP_USERS
from .sib import SIB_PROGRESS, SIB_PROJECT, SIB_REPORT, SIB_USERS, SIB_WORKSTREAMS
from .sorp import CONCERNS, PROJECT, REPORT
from .sorp import USERS as SORP_USERS

__all__ = [
    "CAP_DELIVERABLES",
    "CAP_PROJECT",
    "CAP_REPORT",
    "CAP_TEMPLATE",
    "CONCERNS",
    "PROJECT",
    "REPORT",
    "SIB_REPORT",
    "SIB_PROGRESS",
    "SIB_PROJECT",
    "SIB_WORKSTREAMS",
    "USERS",
    "as_written",
    "seed",
    "seed_users",
]

USERS = SORP_USERS + SIB_USERS + CAP_USERS
Status = HighlightReport.Status


def seed_users(specs, stdout=None):
    """The demo users, by username, each made to sign in with settings.DEMO_PASSWORD.

    An account of the same name is the demo's only while it still signs in with that
    password; any other (its person changed the password, or it was never a demo account)
    is left exactly as it is: the seed never sets a password it did not set, nor changes
    that account's rights. PBKDF2 is slow on purpose (about a fifth of a second a hash
    here), so one hash serves every new account and each stored hash is checked once."""
    hashes = {}  # stored hash: whether it is the demo password's
    new_password = None
    users = {}
    for username, first, last, title, unit, groups in specs:
        fields = {"first_name": first, "last_name": last, "job_title": title,
                  "organisation_unit": unit, "email": f"{username}@example.org",
                  "is_staff": username == "pmo"}  # fmt: skip
        user = User.objects.filter(username=username).first()
        if user is None:
            new_password = new_password or make_password(settings.DEMO_PASSWORD)
            user = User.objects.create(username=username, password=new_password, **fields)
        elif not is_demo_account(user, hashes):
            if stdout:
                stdout.write(f"  {username}: not a demo account (its password is not the "
                             "demo's); left as it is")  # fmt: skip
            users[username] = user
            continue
        elif changed := {k: v for k, v in fields.items() if getattr(user, k) != v}:
            for name, value in changed.items():
                setattr(user, name, value)
            user.save(update_fields=list(changed))
        user.groups.set(Group.objects.filter(name__in=groups))
        users[username] = user
    return users


def is_demo_account(user, hashes):
    if user.password not in hashes:
        hashes[user.password] = check_password(settings.DEMO_PASSWORD, user.password)
    return hashes[user.password]


def seed(users, stdout):
    seed_sorp(users, stdout)
    seed_sib(users, stdout)
    seed_cap(users, stdout)


def at_five_pm(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(17, 0)))


def as_written(model, lookup, fields):
    """The row as the sample has it, saved only when it differs: a second seed_demo then
    changes nothing, not even the history (update_or_create would save every time)."""
    row, created = model.objects.get_or_create(**lookup, defaults=fields)
    changed = {k: v for k, v in fields.items() if getattr(row, k) != v}
    if changed and not created:
        for name, value in changed.items():
            setattr(row, name, value)
        row.save(update_fields=list(changed))
    return row


def demo_project(users, fields, sponsor, manager, workstreams=()):
    people = {"sponsor": users[sponsor], "manager": users.get(manager)}
    project = as_written(Project, {"code": fields["code"]}, {**fields, **people})
    for order, name in enumerate(workstreams):
        Workstream.objects.get_or_create(project=project, name=name, defaults={"order": order})
    return project


def demo_report(stdout, project, fields, status, ratings=None, previous=None):
    """The report as the sample has it, created once: a demo user may move it on later."""
    existing = project.reports.filter(period_start=fields["period_start"]).first()
    if existing:
        stdout.write(f"  {project.code} {existing.period_label}: already there")
        return existing, False
    report = create_report(project, **fields)
    statuses = {s.name: s for s in RagStatus.objects.all()}
    for dimension, status_name in (ratings or {}).items():
        RagRating.objects.filter(report=report, dimension__name=dimension).update(
            status=statuses[status_name]
        )
    for dimension, status_name in (previous or {}).items():
        RagRating.objects.filter(report=report, dimension__name=dimension).update(
            stated_previous=statuses[status_name]
        )
    submitted = at_five_pm(fields["report_date"])
    report.status = status
    report.submitted_by = project.manager
    report.submitted_at = report.first_submitted_at = submitted
    if status == Status.APPROVED:
        report.approved_by = project.sponsor
        report.approved_at = submitted
    report.save()
    stdout.write(f"  {project.code} {report.period_label}: {status}")
    return report, True


def approve(report):
    # As workflow.approve does: freeze what the report prints and queue its PDF.
    freeze_approved_report(report, report.project.sponsor)


def seed_sorp(users, stdout):
    project = demo_project(users, PROJECT, "joss.foster", "liz.sanderson")
    report, created = demo_report(stdout, project, REPORT, Status.SUBMITTED)
    if created:
        Concern.objects.bulk_create(
            Concern(report=report, concern=concern, countermeasure=countermeasure, order=i)
            for i, (concern, countermeasure) in enumerate(CONCERNS)
        )


def seed_sib(users, stdout):
    project = demo_project(users, SIB_PROJECT, "clair.pyper", "keren.bailey", SIB_WORKSTREAMS)
    fields = {k: v for k, v in SIB_REPORT.items() if k not in ("ratings", "previous")}
    report, created = demo_report(
        stdout, project, fields, Status.APPROVED, SIB_REPORT["ratings"], SIB_REPORT["previous"]
    )
    if created:
        progress = {p.workstream.name: p for p in report.workstream_progress.all()}
        for name, (achievements, next_steps) in zip(SIB_WORKSTREAMS, SIB_PROGRESS, strict=True):
            section = progress[name]
            section.achievements, section.next_steps = achievements, next_steps
            section.save()
        approve(report)


def seed_cap(users, stdout):
    themes = list(dict.fromkeys(theme for theme, _, _ in CAP_DELIVERABLES))
    # The sample names no manager: the PMO writes its reports, none is invented.
    project = demo_project(users, CAP_PROJECT, "derek.james", None, themes)
    # Before its report is approved: approval keeps the headings the report was written under.
    ReportTemplate.objects.get_or_create(programme=project, defaults=CAP_TEMPLATE)
    report, created = demo_report(stdout, project, CAP_REPORT, Status.APPROVED)
    if created:
        workstreams = {w.name: w for w in project.workstreams.all()}
        Deliverable.objects.bulk_create(
            Deliverable(
                report=report,
                workstream=workstreams[theme],
                description=description,
                status=status,
                order=i,
            )
            for i, (theme, description, status) in enumerate(CAP_DELIVERABLES)
        )
        approve(report)

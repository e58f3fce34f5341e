import datetime
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from projects import dashboard, demo
from projects.models import (
    Concern,
    Deliverable,
    HighlightReport,
    Project,
    RagRating,
    RagStatus,
    User,
    Workstream,
)
from projects.reporting import create_report
from reports.services import freeze_approved_report

Status = HighlightReport.Status


def at_five_pm(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(17, 0)))


class Command(BaseCommand):
    help = (
        "Create the demo users and the three sample projects with their reports: SORPv.1 "
        "(August 2011), SIB (November and December 2011) and the CAP programme "
        "(October 2023 – February 2024). Running it again changes nothing."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        self.users = {}
        for spec in (
            demo.USERS + demo.SIB_USERS + demo.CAP_USERS + demo.RISK_USERS + demo.PLAN_USERS
        ):
            self.user(*spec)
        self.seed_sorp()
        self.seed_sib()
        self.seed_cap()
        self.seed_risks()
        self.seed_plan()
        dashboard.portfolio_changed()  # some of the above are bulk writes, which send no signal

    def user(self, username, first, last, title, unit, groups):
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "job_title": title,
                "organisation_unit": unit,
                "email": f"{username}@example.org",
                "is_staff": username == "pmo",
            },
        )
        user.set_password(settings.DEMO_PASSWORD)
        user.save(update_fields=["password"])
        user.groups.set(Group.objects.filter(name__in=groups))
        self.users[username] = user
        return user

    def project(self, fields, sponsor, manager, workstreams=()):
        project, _ = Project.objects.update_or_create(
            code=fields["code"],
            defaults={**fields, "sponsor": self.users[sponsor], "manager": self.users[manager]},
        )
        for order, name in enumerate(workstreams):
            Workstream.objects.get_or_create(project=project, name=name, defaults={"order": order})
        return project

    def report(self, project, fields, status, ratings=None):
        """The report as the sample has it, created once: a demo user may move it on later."""
        existing = project.reports.filter(period_start=fields["period_start"]).first()
        if existing:
            self.stdout.write(f"  {project.code} {existing.period_label}: already there")
            return existing, False
        report = create_report(project, **fields)
        statuses = {s.name: s for s in RagStatus.objects.all()}
        for dimension, status_name in (ratings or {}).items():
            RagRating.objects.filter(report=report, dimension__name=dimension).update(
                status=statuses[status_name]
            )
        submitted = at_five_pm(fields["report_date"])
        report.status = status
        report.submitted_by = project.manager
        report.submitted_at = report.first_submitted_at = submitted
        if status == Status.APPROVED:
            report.approved_by = project.sponsor
            report.approved_at = submitted
        report.save()
        self.stdout.write(f"  {project.code} {report.period_label}: {status}")
        return report, True

    def approve(self, report):
        # As workflow.approve does: freeze what the report prints and queue its PDF.
        freeze_approved_report(report, report.project.sponsor)

    def seed_sorp(self):
        project = self.project(demo.PROJECT, "joss.foster", "liz.sanderson")
        report, created = self.report(project, demo.REPORT, Status.SUBMITTED)
        if created:
            Concern.objects.bulk_create(
                Concern(report=report, concern=concern, countermeasure=countermeasure, order=i)
                for i, (concern, countermeasure) in enumerate(demo.CONCERNS)
            )

    def seed_sib(self):
        project = self.project(
            demo.SIB_PROJECT, "clair.pyper", "keren.bailey", demo.SIB_WORKSTREAMS
        )
        november = {k: v for k, v in demo.SIB_NOVEMBER.items() if k != "ratings"}
        report, created = self.report(
            project, november, Status.APPROVED, demo.SIB_NOVEMBER["ratings"]
        )
        if created:
            self.approve(report)
        december = {k: v for k, v in demo.SIB_DECEMBER.items() if k != "ratings"}
        report, created = self.report(
            project, december, Status.APPROVED, demo.SIB_DECEMBER["ratings"]
        )
        if created:
            progress = {p.workstream.name: p for p in report.workstream_progress.all()}
            for name, (achievements, next_steps) in zip(
                demo.SIB_WORKSTREAMS, demo.SIB_PROGRESS, strict=True
            ):
                section = progress[name]
                section.achievements, section.next_steps = achievements, next_steps
                section.save()
            self.approve(report)

    def seed_cap(self):
        themes = list(dict.fromkeys(theme for theme, _, _ in demo.CAP_DELIVERABLES))
        project = self.project(demo.CAP_PROJECT, "derek.james", "pmo", themes)
        report, created = self.report(project, demo.CAP_REPORT, Status.APPROVED)
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
                for i, (theme, description, status) in enumerate(demo.CAP_DELIVERABLES)
            )
            self.approve(report)

    def seed_risks(self):
        from risks.importers import import_register
        from risks.models import AppetiteStatement, RiskMatrix, RiskRegister

        AppetiteStatement.objects.get_or_create(
            text=demo.APPETITE_STATEMENT, defaults={"adopted_on": datetime.date(2019, 4, 1)}
        )
        owner = self.users["robert.smyth"]
        register, _ = RiskRegister.objects.get_or_create(
            name=demo.RISK_REGISTER,
            defaults={"matrix": RiskMatrix.objects.get(name="4x4"), "owner": owner},
        )
        workbook = Path(__file__).resolve().parents[3] / "risks/demo/risk-register-sample.xlsx"
        outcome = import_register(register, workbook.read_bytes(), workbook.name, user=owner)
        register.risks.filter(ref="PP_R011", actions="").update(actions=demo.PP_R011_PROGRESS)
        self.stdout.write(
            f"  {register.name}: {outcome.created} risks created, {outcome.unchanged} unchanged"
        )

    def seed_plan(self):
        from businessplan.importers import import_plan
        from businessplan.models import BusinessPlan, OwnerRole, StrategicAim

        plan, _ = BusinessPlan.objects.update_or_create(year=demo.PLAN["year"], defaults=demo.PLAN)
        for number, text in demo.PLAN_AIMS:
            StrategicAim.objects.update_or_create(plan=plan, number=number, defaults={"text": text})
        workbook = (
            Path(__file__).resolve().parents[3] / "businessplan/demo/business-plan-sample.xlsx"
        )
        outcome = import_plan(plan, workbook.read_bytes(), workbook.name)
        for role, usernames in demo.PLAN_ROLES.items():
            OwnerRole.objects.get(name=role).users.set(self.users[u] for u in usernames)
        self.stdout.write(
            f"  {plan}: {outcome.created} activities created, {outcome.unchanged} unchanged"
        )

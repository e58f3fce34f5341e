import datetime

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from projects import demo
from projects.models import Concern, HighlightReport, Project, User
from projects.reporting import create_report


class Command(BaseCommand):
    help = "Create the demo users, the SORP project and its August 2011 report (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        users = {}
        for username, first, last, title, unit, groups in demo.USERS:
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
            users[username] = user
        # The PMO configures RAG scales, projects and people in the admin.
        Group.objects.get(name="PMO").permissions.set(
            Permission.objects.filter(content_type__app_label="projects")
        )

        project, _ = Project.objects.update_or_create(
            code=demo.PROJECT["code"],
            defaults={
                **demo.PROJECT,
                "sponsor": users["joss.foster"],
                "manager": users["liz.sanderson"],
            },
        )
        report = HighlightReport.objects.filter(
            project=project, period_start=demo.REPORT["period_start"]
        ).first()
        if report is None:
            # Left as it is when it exists: a demo user may have moved it on since.
            report = create_report(
                project,
                status=HighlightReport.Status.SUBMITTED,
                submitted_by=users["liz.sanderson"],
                submitted_at=timezone.make_aware(datetime.datetime(2011, 8, 30, 17, 0)),
                **demo.REPORT,
            )
            Concern.objects.bulk_create(
                Concern(report=report, concern=concern, countermeasure=countermeasure, order=i)
                for i, (concern, countermeasure) in enumerate(demo.CONCERNS)
            )
        self.stdout.write(
            f"Demo data ready: {project.code} with its {report.period_label} report "
            f"({report.get_status_display().lower()})."
        )

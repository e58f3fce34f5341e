from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class ProjectsConfig(AppConfig):
    name = "projects"
    verbose_name = "Projects and highlight reports"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.core.checks import Tags, register
        from django.db.models.signals import pre_save

        # retention_rules: its lines of the retention schedule.
        from . import audit, audit_receivers, dashboard, markings, retention_rules, sessions, sso  # noqa: F401, E501
        from .models import (
            HighlightReport,
            Organisation,
            Project,
            RagDimension,
            RagRating,
            RagStatus,
            User,
        )

        # Everything the dashboard prints or counts: a save or delete of any of them makes
        # the cached dashboard out of date.
        # (The organisation's tolerances decide the over-budget filter.)
        on_dashboard = (Project, HighlightReport, RagRating, RagStatus, RagDimension, User)
        on_dashboard += (Organisation,)
        for model in on_dashboard:
            post_save.connect(dashboard.note_change, sender=model, dispatch_uid=f"dash-{model}")
            post_delete.connect(dashboard.note_change, sender=model, dispatch_uid=f"dash-{model}-")
        markings.track(Project)
        audit_receivers.connect()
        register(audit.check_guard, Tags.database)
        user_logged_in.connect(sessions.signed_in, dispatch_uid="session-started")
        user_logged_in.connect(sso.password_sign_in, dispatch_uid="sso-groups-by-password")
        pre_save.connect(sessions.deactivated, sender=User, dispatch_uid="session-deactivated")

from django.urls import path, register_converter

from . import (
    audit_views,
    channel_views,
    money_views,
    people_views,
    plan_views,
    raid_views,
    report_views,
    retention_views,
    settings_views,
    statement_views,
    views,
)
from .onboarding import views as onboarding_views
from .periods import parse_month


class MonthConverter:
    """yyyy-mm in a URL, as the first day of that month."""

    regex = r"[0-9]{4}-[0-9]{2}"

    def to_python(self, value):
        try:
            return parse_month(value)
        except ValueError:
            raise ValueError(value) from None  # Django answers 404

    def to_url(self, value):
        return value if isinstance(value, str) else value.strftime("%Y-%m")


class ProjectCodeConverter:
    # Codes may contain dots (SORPv.1).
    regex = r"[A-Za-z0-9][A-Za-z0-9._-]*"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


register_converter(MonthConverter, "month")
register_converter(ProjectCodeConverter, "code")

app_name = "projects"
project = "projects/<code:code>/"
report = f"{project}reports/<month:month>/"


def onboarding_urls(which):
    """A list's import (upload, its job, confirm) and export, in /settings/."""
    views, stem = onboarding_views, f"settings/{which}"
    kwargs = {"which": which}
    return [
        path(f"{stem}/import/", views.import_page, kwargs, name=f"{which}-import"),
        path(f"{stem}/import/<uuid:job>/", views.import_job, kwargs, name=f"{which}-import-job"),
        path(
            f"{stem}/import/confirm/", views.import_confirm, kwargs, name=f"{which}-import-confirm"
        ),  # fmt: skip
        path(f"{stem}/export.xlsx", views.export, kwargs, name=f"{which}-export"),
    ]


urlpatterns = [
    path(f"{project}raid/", raid_views.raid_list, name="raid"),
    path(f"{project}raid/new/", raid_views.raid_new, name="raid-new"),
    path(f"{project}raid/<int:pk>/", raid_views.raid_edit, name="raid-edit"),
    path(f"{project}raid/export.xlsx", raid_views.raid_export, name="raid-export"),
    path(f"{project}raid/import/", raid_views.raid_import, name="raid-import"),
    path(f"{project}raid/import/<uuid:job>/", raid_views.raid_import_job, name="raid-import-job"),
    path(
        f"{project}raid/import/confirm/",
        raid_views.raid_import_confirm,
        name="raid-import-confirm",
    ),
    path(f"{project}money/", money_views.money, name="money"),
    path(f"{project}money/edit/", money_views.money_edit, name="money-edit"),
    path(f"{project}milestones/", plan_views.milestone_list, name="milestones"),
    path(f"{project}milestones/edit/", plan_views.milestone_edit, name="milestones-edit"),
    path(f"{project}milestones/import/", plan_views.milestone_import, name="milestones-import"),
    path(
        f"{project}milestones/import/<uuid:job>/",
        plan_views.milestone_import_job,
        name="milestones-import-job",
    ),
    path(
        f"{project}milestones/import/confirm/",
        plan_views.milestone_import_confirm,
        name="milestones-import-confirm",
    ),
    path(f"{project}milestones/export.xlsx", plan_views.milestone_export, name="milestones-export"),
    path(
        f"{project}milestones/<int:pk>/rebaseline/",
        plan_views.milestone_rebaseline,
        name="milestone-rebaseline",
    ),
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard_page, name="dashboard"),
    path("dashboard/export.xlsx", views.dashboard_export, name="dashboard-export"),
    path("audit/", audit_views.audit_list, name="audit"),
    path("audit/export.xlsx", audit_views.audit_export, name="audit-export"),
    path("audit/export.csv", audit_views.audit_export_csv, name="audit-export-csv"),
    path("settings/", settings_views.settings_index, name="settings"),
    path(
        "settings/organisation/",
        settings_views.organisation_settings,
        name="organisation-settings",
    ),
    path("settings/organisation/logo.png", settings_views.organisation_logo, name="logo"),
    path("settings/hand-over/", people_views.hand_over, name="hand-over"),
    path(
        "settings/subject-access/",
        people_views.subject_access_page,
        name="subject-access",
    ),
    *onboarding_urls("people"),
    *onboarding_urls("projects"),
    *onboarding_urls("rag-history"),
    *onboarding_urls("finance"),
    path("settings/statements/", statement_views.statements_settings, name="statements"),
    path("settings/data-map/", statement_views.data_map_page, name="data-map"),
    path("settings/anonymise/", people_views.anonymise_page, name="anonymise"),
    path("settings/retention/", retention_views.retention_page, name="retention"),
    path(
        "settings/retention/rules/<slug:records>/",
        retention_views.retention_rule,
        name="retention-rule",
    ),
    path("settings/retention/holds/", retention_views.legal_hold_place, name="legal-hold-place"),
    path(
        "settings/retention/holds/<int:pk>/lift/",
        retention_views.legal_hold_lift,
        name="legal-hold-lift",
    ),
    path("privacy/", statement_views.statement_page, {"which": "privacy"}, name="privacy"),
    path(
        "accessibility/",
        statement_views.statement_page,
        {"which": "accessibility"},
        name="accessibility",
    ),
    path("settings/channels/", channel_views.channel_list, name="channel-list"),
    path(
        "settings/channels/organisation/",
        channel_views.channel_edit,
        name="channel-organisation",
    ),
    path(
        "settings/channels/programmes/<str:code>/",
        channel_views.channel_edit,
        name="channel-programme",
    ),
    path("settings/markings/", settings_views.marking_list, name="marking-list"),
    path("settings/markings/<int:pk>/", settings_views.marking_edit, name="marking-edit"),
    path(
        "settings/markings/<int:pk>/delete/",
        settings_views.marking_delete,
        name="marking-delete",
    ),
    path("settings/report-templates/", settings_views.template_list, name="template-list"),
    path("settings/report-templates/new/", settings_views.template_edit, name="template-create"),
    path("settings/report-templates/<int:pk>/", settings_views.template_edit, name="template-edit"),
    path(
        "settings/report-templates/<int:pk>/delete/",
        settings_views.template_delete,
        name="template-delete",
    ),
    path("projects/", views.project_list, name="project-list"),
    path("projects/new/", views.project_create, name="project-create"),
    path(project, views.project_detail, name="project-detail"),
    path(f"{project}edit/", views.project_edit, name="project-edit"),
    path(f"{project}reports/new/", report_views.report_create, name="report-create"),
    path(f"{project}reports/next/", report_views.report_next, name="report-next"),
    path(report, report_views.report_detail, name="report-detail"),
    path(f"{report}edit/", report_views.report_edit, name="report-edit"),
    path(f"{report}history/", report_views.report_history, name="report-history"),
    path(f"{report}pdf/", report_views.report_pdf, name="report-pdf"),
    path(f"{report}approver/", report_views.report_name_approver, name="report-name-approver"),
    *(
        path(
            f"{report}{action}/",
            report_views.report_transition,
            {"action": action},
            name=f"report-{action}",
        )  # fmt: skip
        for action in report_views.TRANSITIONS
    ),
]

import datetime

from django.urls import path, register_converter

from . import views


class MonthConverter:
    """yyyy-mm in a URL, as the first day of that month."""

    regex = r"[0-9]{4}-[0-9]{2}"

    def to_python(self, value):
        try:
            return datetime.datetime.strptime(value, "%Y-%m").date()
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
report = "projects/<code:code>/reports/<month:month>/"
urlpatterns = [
    path("", views.home, name="home"),
    path("projects/", views.project_list, name="project-list"),
    path("projects/<code:code>/", views.project_detail, name="project-detail"),
    path("projects/<code:code>/reports/new/", views.report_create, name="report-create"),
    path(report, views.report_detail, name="report-detail"),
    path(f"{report}edit/", views.report_edit, name="report-edit"),
    path(f"{report}pdf/", views.report_pdf, name="report-pdf"),
    *(
        path(
            f"{report}{action}/",
            views.report_transition,
            {"action": action},
            name=f"report-{action}",
        )
        for action in views.TRANSITIONS
    ),
]

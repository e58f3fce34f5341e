from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Documents"

    def ready(self):
        # Their parts of a leaver's hand-over and of the retention schedule.
        from . import handover, retention  # noqa: F401

from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Documents"

    def ready(self):
        from . import handover  # noqa: F401  (its part of a leaver's hand-over)

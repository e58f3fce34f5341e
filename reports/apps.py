from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Documents"

    def ready(self):
        # Their parts of a leaver's hand-over and of the retention schedule; the worker
        # process's memory (its signals are sent only in a Celery worker).
        from . import handover, retention, worker_memory  # noqa: F401

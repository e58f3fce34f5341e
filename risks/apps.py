from django.apps import AppConfig


class RisksConfig(AppConfig):
    name = "risks"
    verbose_name = "Risk registers"

    def ready(self):
        from projects import markings

        # Their parts of a leaver's hand-over and of the retention schedule.
        from . import handover, retention  # noqa: F401
        from .models import RiskRegister

        markings.track(RiskRegister)

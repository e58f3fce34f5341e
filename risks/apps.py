from django.apps import AppConfig


class RisksConfig(AppConfig):
    name = "risks"
    verbose_name = "Risk registers"

    def ready(self):
        from projects import markings

        from . import handover  # noqa: F401  (its part of a leaver's hand-over)
        from .models import RiskRegister

        markings.track(RiskRegister)

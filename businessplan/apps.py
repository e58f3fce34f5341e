from django.apps import AppConfig


class BusinessPlanConfig(AppConfig):
    name = "businessplan"
    verbose_name = "Business plans"

    def ready(self):
        from projects import markings

        from . import handover  # noqa: F401  (its part of a leaver's hand-over)
        from .models import BusinessPlan

        markings.track(BusinessPlan)

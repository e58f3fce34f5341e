from django.apps import AppConfig


class BusinessPlanConfig(AppConfig):
    name = "businessplan"
    verbose_name = "Business plans"

    def ready(self):
        from projects import markings

        # Their parts of a leaver's hand-over and of the retention schedule.
        from . import handover, retention  # noqa: F401
        from .models import BusinessPlan

        markings.track(BusinessPlan)

from django.apps import AppConfig


class BusinessPlanConfig(AppConfig):
    name = "businessplan"
    verbose_name = "Business plans"

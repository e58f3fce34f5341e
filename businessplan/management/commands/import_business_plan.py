import re

from django.core.management.base import CommandError

from businessplan.importers import PlanImporter
from businessplan.models import BusinessPlan
from projects.management.import_command import ImportCommand


class Command(ImportCommand):
    help = (
        "Import a business plan workbook (the layout of business-plan-sample.xlsx: a sheet per "
        "section). Creates the plan for --year when there is none. Exits non-zero, changing "
        "nothing, on any error."
    )
    importer = PlanImporter

    def add_target_arguments(self, parser):
        parser.add_argument("--plan", required=True, help="the plan's title")
        parser.add_argument("--year", required=True, help="e.g. 2019-20")

    def check_options(self, year, **options):
        if not re.fullmatch(r"\d{4}-\d{2}", year):
            raise CommandError(f"Write the year as 2019-20, not {year!r}.")

    def target(self, plan, year, **options):
        found = BusinessPlan.objects.filter(year=year).first()
        return (found, False) if found else (BusinessPlan(year=year, title=plan), True)

    def totals(self, outcome):
        return f" ({', '.join(f'{k}: {v}' for k, v in outcome.by_section.items())})"

import json
import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from businessplan.importers import ImportFailed, import_plan
from businessplan.models import BusinessPlan


class Command(BaseCommand):
    help = (
        "Import a business plan workbook (the layout of business-plan-sample.xlsx: a sheet per "
        "section). Creates the plan for --year when there is none. Exits non-zero, changing "
        "nothing, on any error."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--plan", required=True, help="the plan's title")
        parser.add_argument("--year", required=True, help="e.g. 2019-20")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument("--json", action="store_true", help="print the outcome as JSON")

    def handle(self, *args, file, plan, year, dry_run, **options):
        if not re.fullmatch(r"\d{4}-\d{2}", year):
            raise CommandError(f"Write the year as 2019-20, not {year!r}.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            with transaction.atomic():
                target, created = BusinessPlan.objects.get_or_create(
                    year=year, defaults={"title": plan}
                )
                outcome = import_plan(target, path.read_bytes(), path.name, dry_run=dry_run)
                if created and (dry_run or outcome.errors):
                    transaction.set_rollback(True)
        except ImportFailed as exc:
            raise CommandError(f"{path.name}: {exc}") from exc
        if options["json"]:
            self.stdout.write(json.dumps(outcome.as_json(), indent=2))
        else:
            verb = "Would import" if dry_run else "Imported"
            self.stdout.write(
                f"{verb} {path.name}: {outcome.created} created, {outcome.updated} updated, "
                f"{outcome.unchanged} unchanged, from {outcome.rows} rows "
                f"({', '.join(f'{k}: {v}' for k, v in outcome.by_section.items())})."
            )
            for problem in outcome.errors + outcome.warnings:
                kind = "error" if problem in outcome.errors else "warning"
                self.stdout.write(
                    f"  {kind}: {problem.sheet} row {problem.row} {problem.ref}: {problem.message}"
                )
        if outcome.errors:
            raise CommandError(f"{len(outcome.errors)} error(s): nothing was imported.")

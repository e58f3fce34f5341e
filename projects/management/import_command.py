"""What every spreadsheet import command shares: the file argument, --dry-run and --json,
one transaction that takes back a record made for the import when the import is a trial
or fails, and the report (or the outcome as JSON), exiting non-zero on any error."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from projects import audit
from projects.spreadsheets import ImportFailed


class ImportCommand(BaseCommand):
    """A subclass sets `importer` (a projects.spreadsheets.Importer subclass) and writes
    `add_target_arguments(parser)` and `target(**options)` → (record, whether it is new and
    still to be saved); it may write `check_options(**options)` and `totals(outcome)`."""

    importer = None

    def add_arguments(self, parser):
        parser.add_argument("file")
        self.add_target_arguments(parser)
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument("--json", action="store_true", help="print the outcome as JSON")

    def add_target_arguments(self, parser):
        raise NotImplementedError

    def target(self, **options):
        raise NotImplementedError

    def check_options(self, **options):
        """Refuse options that are wrong in themselves, before the file is looked at."""

    def totals(self, outcome):
        """What the summary line adds after the number of rows read."""
        return ""

    def handle(self, *args, file, dry_run, **options):
        self.check_options(**options)
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        target, creating = self.target(**options)
        try:
            # A record made for this import goes again if the import fails or is a trial.
            with transaction.atomic():
                if creating:
                    target.save()
                outcome = self.importer(target).run(path.read_bytes(), path.name, dry_run=dry_run)
                if creating and (dry_run or outcome.errors):
                    transaction.set_rollback(True)
        except ImportFailed as exc:
            raise CommandError(f"{path.name}: {exc}") from exc
        if not dry_run and target.pk is not None:
            audit.record_import(target, path.name, outcome, where="on the command line")
        if options["json"]:
            self.stdout.write(json.dumps(outcome.as_json(), indent=2))
        else:
            self.report(outcome, path.name, dry_run)
        if outcome.errors:
            raise CommandError(f"{len(outcome.errors)} error(s): nothing was imported.")

    def report(self, outcome, name, dry_run):
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(
            f"{verb} {name}: {outcome.created} created, {outcome.updated} updated, "
            f"{outcome.unchanged} unchanged, from {outcome.rows} rows{self.totals(outcome)}."
        )
        for kind, problems in (("error", outcome.errors), ("warning", outcome.warnings)):
            for problem in problems:
                self.stdout.write(
                    f"  {kind}: {problem.sheet} row {problem.row} {problem.ref}: {problem.message}"
                )

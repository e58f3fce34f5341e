import json
from pathlib import Path

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from projects.access import PMO
from projects.models import User
from risks.importers import ImportFailed, import_register
from risks.models import RiskMatrix, RiskRegister


class Command(BaseCommand):
    help = (
        "Import a risk register from an .xlsx or .csv file (the layout of "
        "risk-register-sample.xlsx). Creates the register, on --matrix (5x5 by default), "
        "when none has that name. Exits non-zero, changing nothing, on any error."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--register", required=True, help="register name")
        parser.add_argument("--matrix", default=None, help="for a new register: 4x4, 5x5…")
        parser.add_argument("--owner", help="username owning a new register (default: PMO)")
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument("--json", action="store_true", help="print the outcome as JSON")

    def handle(self, *args, file, register, matrix, owner, dry_run, **options):
        as_json = options["json"]
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        target = RiskRegister.objects.select_related("matrix").filter(name=register).first()
        creating = target is None
        if creating:
            target = RiskRegister(
                name=register, matrix=self.matrix(matrix), owner=self.owner(owner)
            )
        try:
            # A register made for this import goes again if the import fails or is a trial.
            with transaction.atomic():
                if creating:
                    target.save()
                outcome = import_register(target, path.read_bytes(), path.name, dry_run=dry_run)
                if creating and (dry_run or outcome.errors):
                    transaction.set_rollback(True)
        except ImportFailed as exc:
            raise CommandError(f"{path.name}: {exc}") from exc
        if as_json:
            self.stdout.write(json.dumps(outcome.as_json(), indent=2))
        else:
            self.report(outcome, path.name, dry_run)
        if outcome.errors:
            raise CommandError(f"{len(outcome.errors)} error(s): nothing was imported.")

    def report(self, outcome, name, dry_run):
        verb = "Would import" if dry_run else "Imported"
        self.stdout.write(
            f"{verb} {name}: {outcome.created} created, {outcome.updated} updated, "
            f"{outcome.unchanged} unchanged, from {outcome.rows} rows."
        )
        for problem in outcome.warnings + outcome.errors:
            kind = "error" if problem in outcome.errors else "warning"
            self.stdout.write(
                f"  {kind}: {problem.sheet} row {problem.row} {problem.ref}: {problem.message}"
            )

    def matrix(self, name):
        if name:
            found = RiskMatrix.objects.filter(name=name).first()
            if found is None:
                names = ", ".join(RiskMatrix.objects.values_list("name", flat=True))
                raise CommandError(f"No matrix called {name!r} (there are: {names}).")
            return found
        return RiskMatrix.objects.get(is_default=True)

    def owner(self, username):
        if username:
            user = User.objects.filter(username=username).first()
            if user is None:
                raise CommandError(f"No user {username!r}.")
            return user
        user = User.objects.filter(groups=Group.objects.filter(name=PMO).first()).first()
        if user is None:
            raise CommandError("Give --owner: there is no PMO user to own a new register.")
        return user

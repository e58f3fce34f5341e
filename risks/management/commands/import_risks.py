from django.contrib.auth.models import Group
from django.core.management.base import CommandError

from projects.access import PMO
from projects.management.import_command import ImportCommand
from projects.models import User
from risks.importers import RegisterImporter
from risks.models import RiskMatrix, RiskRegister


class Command(ImportCommand):
    help = (
        "Import a risk register from an .xlsx or .csv file (the layout of "
        "risk-register-sample.xlsx). Creates the register, on --matrix (5x5 by default), "
        "when none has that name. Exits non-zero, changing nothing, on any error."
    )
    importer = RegisterImporter

    def add_target_arguments(self, parser):
        parser.add_argument("--register", required=True, help="register name")
        parser.add_argument("--matrix", default=None, help="for a new register: 4x4, 5x5…")
        parser.add_argument("--owner", help="username owning a new register (default: PMO)")

    def target(self, register, matrix, owner, **options):
        found = RiskRegister.objects.select_related("matrix").filter(name=register).first()
        if found:
            return found, False
        new = RiskRegister(name=register, matrix=self.matrix(matrix), owner=self.owner(owner))
        return new, True

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

"""Anonymise one person at once, on their request where the right to erasure applies
(issue 22): python manage.py anonymise_person USERNAME --reason "…" [--yes]. Without
--yes it says what would change and changes nothing."""

from django.core.management.base import BaseCommand, CommandError

from projects import anonymise
from projects.models import User


class Command(BaseCommand):
    help = "Replace a person's name, email and job title everywhere by 'Former member of staff N'."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--reason", required=True, help="Why, for the audit.")
        parser.add_argument("--yes", action="store_true", help="Do it (else: a preview).")

    def handle(self, username, reason, yes, **options):
        person = User.objects.filter(username=username).first()
        if person is None:
            raise CommandError(f"Nobody has the username {username!r}.")
        if person.is_superuser or person.is_staff:
            raise CommandError("Take the administration rights away first.")
        if person.is_active:
            raise CommandError(f"{person} is switched on: hand their work over and switch "
                               "them off first (Settings → Hand over).")  # fmt: skip
        for where, rows in anonymise.preview(person).items():
            self.stdout.write(f"{where}: {rows} row{'s' if rows != 1 else ''}")
        if not yes:
            self.stdout.write(f"Nothing changed: add --yes to anonymise {person}.")
            return
        try:
            new = anonymise.anonymise(person, why=f"on request ({reason.strip()})",
                                      by_name="manage.py anonymise_person")  # fmt: skip
        except anonymise.StillHere as refused:
            raise CommandError(str(refused)) from None
        self.stdout.write(f"{username} is now {new}.")

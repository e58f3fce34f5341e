"""Everything Highlight holds about one person, for a subject-access request (issue 22):
python manage.py export_person USERNAME --out FILE.zip"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from projects import audit, subject_access
from projects.models import Organisation, User


class Command(BaseCommand):
    help = "Write a subject-access archive (zip) of everything Highlight holds about a person."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--out", required=True, help="The zip file to write.")

    def handle(self, username, out, **options):
        person = User.objects.filter(username=username).first()
        if person is None:
            raise CommandError(f"Nobody has the username {username!r}.")
        path = Path(out)
        if path.suffix.lower() != ".zip":
            raise CommandError("Name the archive FILE.zip.")
        content = subject_access.archive(person, Organisation.current().name)
        path.write_bytes(content)
        audit.record(audit.Kind.EXPORT, actor_name="manage.py export_person", obj=person,
                     description="Subject-access archive of everything Highlight holds "
                     "about them.")  # fmt: skip
        self.stdout.write(f"Wrote {path} ({len(content):,} bytes) for {person}.")

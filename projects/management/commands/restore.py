import contextlib

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection

from projects import audit, backups


class Command(BaseCommand):
    help = "Replace ALL data and documents with a backup's (make restore FILE=path)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="A backup made by `make backup`.")
        parser.add_argument(
            "--no-input", action="store_false", dest="interactive", help="Do not ask to confirm."
        )

    def handle(self, *args, file, interactive=True, **options):
        if interactive:
            where = connection.settings_dict["NAME"]
            answer = input(
                f"This replaces every report, risk, plan, user and document in {where} with "
                f"those in {file}. Type 'yes' to go on: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Restore cancelled; nothing was changed.")
        try:
            manifest = backups.restore_backup(file)
        except backups.RestoredWithDifferences as exc:
            self.failed(file, audit.Outcome.FAILURE, f"{exc} The database was replaced.")
            raise CommandError(f"{exc} The database was replaced; check it.") from exc
        except backups.BackupError as exc:
            self.failed(file, audit.Outcome.REFUSED, f"{exc} Nothing was changed.")
            raise CommandError(f"{exc} Nothing was changed.") from exc
        rows = sum(manifest["counts"].values())
        audit.record(
            audit.Kind.RESTORE,
            object_repr=str(file)[:300],
            description=f"On the command line: {rows:,} rows and {manifest['media_files']} "
            f"documents, from the backup made {manifest['made_at']}.",
        )
        self.stdout.write(
            f"Restored {rows:,} rows and {manifest['media_files']} documents from the backup "
            f"made {manifest['made_at']}."
        )

    def failed(self, file, outcome, why):
        """A refused restore is recorded too: someone tried to replace everything."""
        # A database that cannot take the event: the error that follows says what happened.
        with contextlib.suppress(DatabaseError):
            audit.record(audit.Kind.RESTORE, object_repr=str(file)[:300], outcome=outcome,
                         description=f"On the command line: {why}")  # fmt: skip

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from projects import backups


class Command(BaseCommand):
    help = "Back up the database and the generated documents into one .tar.gz (make backup)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="Where to write the backup (default: BACKUP_DIR/highlight-<date-time>.tar.gz).",
        )

    def handle(self, *args, output=None, **options):
        output = Path(output) if output else Path(settings.BACKUP_DIR) / backups.default_name()
        try:
            manifest = backups.make_backup(output)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            f"Backed up {rows:,} rows ({manifest['engine']}) and {manifest['media_files']} "
            f"documents to {output}"
        )

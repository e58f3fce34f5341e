"""Every field that can hold personal data, read from the models (issue 22):
python manage.py data_map [--format csv]"""

import csv

from django.core.management.base import BaseCommand, CommandError

from projects import personal_data


class Command(BaseCommand):
    help = "List every field that can hold personal data: what, how long, where exported."

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["text", "csv"], default="text")

    def handle(self, format, **options):
        missing = personal_data.unmarked()
        if missing:
            raise CommandError("Fields not yet classified: " + ", ".join(missing))
        rows = personal_data.data_map()
        if format == "csv":
            writer = csv.writer(self.stdout)
            writer.writerow(["model", "field", "holds", "kept", "exported in"])
            writer.writerows([r.model, r.field, r.holds, r.kept, r.exported] for r in rows)
            return
        for row in rows:
            self.stdout.write(f"{row.model}.{row.field}: {row.holds}. Kept {row.kept}. "
                              f"Exported in {row.exported}.")  # fmt: skip

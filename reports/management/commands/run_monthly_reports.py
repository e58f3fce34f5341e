import datetime

from django.core.management.base import BaseCommand, CommandError

from projects.periods import parse_month, previous_month
from reports.runs import run_month


class Command(BaseCommand):
    help = "Run the monthly reporting run now, for --period YYYY-MM (default: last month)."

    def add_arguments(self, parser):
        parser.add_argument("--period", help="YYYY-MM")

    def handle(self, *args, period=None, **options):
        try:
            month = parse_month(period) if period else previous_month(datetime.date.today())
        except ValueError:
            raise CommandError("Give the period as YYYY-MM.") from None
        run = run_month(month)
        self.stdout.write(f"{run}: {run.documents.count()} documents requested.")

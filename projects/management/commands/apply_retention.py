"""Apply the retention schedule now, as the nightly run does (issue 22):
python manage.py apply_retention [--preview [DAYS]]. With --preview it lists what falls due
in the next DAYS days (30 unless given), held or not, and removes nothing."""

from django.core.management.base import BaseCommand

from projects import retention


class Command(BaseCommand):
    help = "Remove the records whose retention period has ended, unless a legal hold covers them."

    def add_arguments(self, parser):
        parser.add_argument(
            "--preview", nargs="?", type=int, const=retention.LOOK_AHEAD_DAYS, metavar="DAYS",
            help="List what falls due; remove nothing.",
        )  # fmt: skip

    def handle(self, preview, **options):
        if preview is None:
            for key, removed in retention.apply().items():
                self.stdout.write(f"{key}: {removed} removed")
            return
        for kind, rule, items in retention.coming(days=preview):
            state = f"kept {rule.period} {kind.counted_from}" if rule.active else "not removed"
            self.stdout.write(f"{kind.label} ({state}): {len(items)}")
            for item in items:
                held = f" [held: {item.held_by.target_name}]" if item.held_by else ""
                self.stdout.write(f"  {item.due_on:%Y-%m-%d} {item.label}{held}")

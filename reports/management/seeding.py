"""What the seeding commands share: they write invented people and data, which belong on a
development or demonstration database only. DEBUG off is taken for a live Highlight, and
there each refuses, saying why, unless told with --allow-live that the database is for that.
"""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

WHY = {
    "seed_demo": (
        "adds about thirty demo accounts, among them a PMO with staff status and directors, "
        "that sign in with the demo password, DEMO_PASSWORD, which anyone who has read "
        "Highlight's README knows"
    ),
    "seed_scale": (
        "first deletes every project whose code starts SC, with its reports, every register "
        "named 'SC …' and the 2099-00 business plan, and makes a scale user a director"
    ),
}


class SeedingCommand(BaseCommand):
    """A command that writes invented data, named in WHY with what it would do to live data."""

    def create_parser(self, prog_name, subcommand, **kwargs):
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.add_argument(
            "--allow-live",
            action="store_true",
            help="Run although DEBUG is off (a demonstration or benchmark database).",
        )
        return parser

    def execute(self, *args, **options):
        name = type(self).__module__.rsplit(".", 1)[-1]  # as manage.py names the command
        if not (settings.DEBUG or options.get("allow_live")):
            raise CommandError(
                f"DEBUG is off, so this looks like a live Highlight, and {name} "
                f"{WHY[name]}. Nothing was changed. Run it with DEBUG=1 on a development "
                "database, or add --allow-live if this database is for demonstration."
            )
        return super().execute(*args, **options)

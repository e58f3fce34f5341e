"""What the seeding commands share: they write invented people and data, which belong on a
development or demonstration database only. DEBUG off is taken for a live Highlight, and
there each refuses unless told, with --allow-live, that the database is for that."""

from django.conf import settings
from django.core.management.base import CommandError


def add_allow_live(parser):
    parser.add_argument(
        "--allow-live",
        action="store_true",
        help="Run although DEBUG is off (a demonstration or benchmark database).",
    )


def refuse_on_live(name, allow_live, why):
    if settings.DEBUG or allow_live:
        return
    raise CommandError(
        f"DEBUG is off, so this looks like a live Highlight, and {name} {why}. Nothing was "
        "changed. Run it with DEBUG=1 on a development database, or add --allow-live if this "
        "database is for demonstration."
    )

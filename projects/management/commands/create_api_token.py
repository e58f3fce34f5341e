from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from projects import api_tokens


class Command(BaseCommand):
    help = (
        "Make a personal access token for the read API and print it (it is shown only "
        "this once). It reads what USERNAME may read on the pages."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", required=True, help="What will use it, e.g. 'Power BI'.")
        parser.add_argument(
            "--days",
            type=int,
            default=api_tokens.DEFAULT_DAYS,
            help=f"How long it lasts (1 to {api_tokens.MAX_DAYS}; "
            f"default {api_tokens.DEFAULT_DAYS}).",
        )

    def handle(self, *args, username, name, days, **options):
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"Nobody has the username {username!r}.") from None
        if not user.is_active:
            raise CommandError(f"{username}'s account is switched off: a token would not work.")
        try:
            row, token = api_tokens.create(user, name, days)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from None
        self.stderr.write(
            f"Token “{row.name}” for {username}, until "
            f"{timezone.localtime(row.expires_at):%d/%m/%Y}. It is shown only this once:"
        )
        self.stdout.write(token)

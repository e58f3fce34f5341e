import json

from django.core.management.base import BaseCommand, CommandError

from projects import handover
from projects.models import User


class Command(BaseCommand):
    help = (
        "Hand everything a leaver is responsible for (projects, editor places, registers, "
        "open risks, owner roles, approvals waiting, the monthly run's emails) to a "
        "successor, and switch the leaver off. What they did stays theirs."
    )

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="leaver", required=True, help="the leaver's username")
        parser.add_argument("--to", dest="successor", required=True, help="the successor's")
        parser.add_argument("--dry-run", action="store_true", help="list it, change nothing")
        parser.add_argument("--json", action="store_true", help="print the outcome as JSON")

    def handle(self, *args, **options):
        leaver, successor, as_json = options["leaver"], options["successor"], options["json"]
        people = {u.username: u for u in User.objects.filter(username__in=[leaver, successor])}
        for name in (leaver, successor):
            if name not in people:
                raise CommandError(f"Nobody has the username {name!r}.")
        preview = handover.plan(people[leaver], people[successor])
        if preview.errors:
            self._say(preview, as_json, done=False)
            raise CommandError(" ".join(preview.errors))
        if not options["dry_run"]:
            preview = handover.carry_out(preview)
        self._say(preview, as_json, done=not options["dry_run"])

    def _say(self, preview, as_json, done):
        items = [i.what for i in preview.items]
        if as_json:
            self.stdout.write(json.dumps({
                "from": preview.leaver.username, "to": preview.successor.username,
                "handed_over": done, "items": items, "errors": preview.errors,
            }))  # fmt: skip
            return
        verb = "Handed over" if done else "Would hand over"
        self.stdout.write(f"{verb} {len(items)} responsibilities of {preview.leaver.username} "
                          f"to {preview.successor.username}:")  # fmt: skip
        for item in items:
            self.stdout.write(f"  {item}")
        if done:
            self.stdout.write(f"{preview.leaver.username} is switched off.")

from django.core.management.base import BaseCommand, CommandError

from projects import second_factor


class Command(BaseCommand):
    help = (
        "Encrypt every authenticator app's key and recovery codes with today's SECRET_KEY "
        "(after changing it, with the old one in SECRET_KEY_FALLBACKS); the old key can then go."
    )

    def handle(self, *args, **options):
        done, unreadable = second_factor.reencrypt_all()
        self.stdout.write(f"Encrypted {done} second-factor secrets with the current key.")
        if unreadable:
            raise CommandError(
                "No key reads the second factor of: "
                + ", ".join(unreadable)
                + ". Keep the old key in SECRET_KEY_FALLBACKS, or have a superuser reset theirs."
            )

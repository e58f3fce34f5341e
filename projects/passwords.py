"""Passwords: a rule beside Django's, and the reset email sent from a task.

The rule: no password made mostly of runs a guesser tries first. Django's common-password
list holds the passwords people have used, not the patterns: `aaaaaaaaaaaa`,
`abcdefghijkl`, `123456789012` and `qwertyuiopas` pass it and the length rule. A run here
is four or more characters in a row that repeat one character or a short piece ("abab"),
go up or down the alphabet or the digits, or walk along a row of the keyboard; a password
is refused when such runs make up half of it or more. A passphrase may hold a short run
("flat 1234 on the left"): the rest of it makes it hard to guess.
"""

import hashlib
import logging
from urllib.parse import urlsplit

from celery import shared_task
from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.core.cache import cache
from django.core.exceptions import ValidationError

logger = logging.getLogger(__name__)

RUN = 4  # characters in a row before they count as a run
KEYBOARD_ROWS = ("1234567890", "qwertyuiop", "asdfghjkl", "zxcvbnm")
ALPHANUMERIC = "0123456789abcdefghijklmnopqrstuvwxyz"


def _keyboard_step(a, b):
    """+1 or -1 when b is a's neighbour on a keyboard row, else None."""
    for row in KEYBOARD_ROWS:
        if a in row and b in row:
            step = row.index(b) - row.index(a)
            return step if step in (1, -1) else None
    return None


def _alphabet_step(a, b):
    """+1 or -1 when b follows or precedes a among the letters or among the digits."""
    if a.isalpha() != b.isalpha() or a not in ALPHANUMERIC or b not in ALPHANUMERIC:
        return None
    step = ord(b) - ord(a)
    return step if step in (1, -1) else None


# Each way a run can go: how one character steps to the next.
STEPS = (_alphabet_step, _keyboard_step)


def runs(text, step_of):
    """(start, end) of each stretch of `text` whose characters all step the same way."""
    start, direction = 0, None
    for i in range(1, len(text)):
        step = step_of(text[i - 1], text[i])
        if step is not None and direction in (None, step):
            direction = step
            continue
        yield start, i
        # Broken here: a run going another way may start from the character before.
        start, direction = (i - 1, step) if step is not None else (i, None)
    yield start, len(text)


def echoes(text, period):
    """(start, end) of each stretch of `text` that repeats itself every `period` characters
    ("aaaa" every 1, "abab" every 2), at least twice over and at least a run long."""
    start = None
    for i in range(period, len(text) + 1):
        if i < len(text) and text[i] == text[i - period]:
            start = i - period if start is None else start
            continue
        if start is not None and i - start >= max(RUN, 2 * period):
            yield start, i
        start = None


def predictable_characters(password):
    """How many of the password's characters belong to a run (see the module's note)."""
    text = password.lower()
    stretches = [stretch for step_of in STEPS for stretch in runs(text, step_of)]
    stretches += [stretch for period in range(1, 5) for stretch in echoes(text, period)]
    covered = set()
    for start, end in stretches:
        if end - start >= RUN:
            covered.update(range(start, end))
    return len(covered)


class RepeatedOrSequentialValidator:
    """Refuse a password made mostly of repeated, consecutive or keyboard-row characters."""

    message = (
        "This password is mostly repeated or sequential characters (like aaaa, abcd, 1234 "
        "or qwerty), which are guessed first."
    )

    def validate(self, password, user=None):
        if password and predictable_characters(password) * 2 >= len(password):
            raise ValidationError(self.message, code="password_sequential")

    def get_help_text(self):
        return "Your password can’t be mostly repeated or sequential characters (aaaa, 1234)."


# --- the password-reset email ----------------------------------------------------------


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's form, except that looking the person up and sending the email happen in a
    task: the page then answers in the same time whether or not the address has an account
    (issue 17), and a slow mail server holds up no one."""

    def save(self, **kwargs):
        email = self.cleaned_data["email"]
        # One email per address per RESET_EMAIL_INTERVAL, whatever is asked: thirty resets
        # in three seconds went to one person (found by the hostile review). The page reads
        # the same either way. The shared cache, so every web process counts.
        address = hashlib.sha256(email.strip().lower().encode()).hexdigest()
        if not cache.add(f"password-reset:{address}", 1, settings.RESET_EMAIL_INTERVAL):
            return
        try:
            send_password_reset.delay(email)
        except Exception:
            # The broker is down. Sending from here would tell by its time whether the
            # address has an account: the page reads as always, and the person asks again.
            logger.exception("Could not queue a password-reset email")


@shared_task(bind=True, max_retries=5, acks_late=True)
def send_password_reset(self, email):
    """The reset email to each active account with this address (none: nothing is sent).
    Its link points at SITE_URL, as every email's does: a task has no request to take the
    host from, and a host taken from a request is the attacker's to choose."""
    form = PasswordResetForm({"email": email})
    if not form.is_valid():
        return
    site = urlsplit(settings.SITE_URL)
    try:
        form.save(domain_override=site.netloc, use_https=site.scheme == "https")
    except OSError as exc:  # the mail server is down or refused us: try again later
        raise self.retry(exc=exc, countdown=min(600, 30 * 2**self.request.retries)) from exc
    # Someone imported who never chose a password (their invitation lapsed or was lost):
    # Django's reset skips an account without one, so they get a fresh invitation instead.
    from .onboarding.invitations import never_signed_in, send_invitations

    if waiting := never_signed_in(email):
        send_invitations(waiting)


def typed_username(request, credentials):
    """The username django-axes counts failures against, as typed but cut to the longest a
    username may be: axes keeps it in a column of 255, and a longer one typed on the
    sign-in page was a server error instead of a failed sign-in."""
    typed = (credentials or {}).get("username")
    if typed is None and request is not None:
        typed = request.POST.get("username", "")
    return str(typed or "")[:150]

"""A second factor for password sign-ins (issue 18): a code from an authenticator app
(TOTP), or one of ten recovery codes, kept as django-allauth's authenticators (secrets
encrypted with a key derived from SECRET_KEY: MFAAdapter below). A code works once: the
last accepted time step is kept with the app, and nothing at or before it is taken again.

A password right is not yet a session: the person is "held" (their id, in the anonymous
session) until the code is right, for at most HOLD_SECONDS and MAX_TRIES wrong codes. Each
wrong code counts towards the account's lockout as a wrong password does. People
MFA_REQUIRED_FOR names must set an app up before their first session. Single sign-on
leaves the second factor to the provider.
"""

import base64
import hashlib
import logging
import time

from allauth.core.internal.cryptokit import compare_user_code
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import (
    TOTP,
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from allauth.mfa.utils import decrypt, encrypt
from axes.handlers.proxy import AxesProxyHandler
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.contrib.auth import get_user_model, login
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.utils.crypto import constant_time_compare

from . import access, audit

logger = logging.getLogger(__name__)
HELD = "second_factor_held"
NEW_SECRET = "second_factor_new_secret"  # noqa: S105  # nosec B105: the session key holding it
HOLD_SECONDS = 300
MAX_TRIES = 5
APP, RECOVERY_CODE = "authenticator app", "recovery code"


class MFAAdapter(DefaultMFAAdapter):
    """Secrets (an app's key, the recovery codes' seed) encrypted in the database: a backup
    or a copy of the database alone gives nobody's second factor. The key comes from
    SECRET_KEY (and SECRET_KEY_FALLBACKS, so a rotated key still reads the old ones)."""

    def _keys(self):
        keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
        return MultiFernet([
            Fernet(base64.urlsafe_b64encode(
                hashlib.sha256(f"highlight.second-factor:{key}".encode()).digest()))
            for key in keys
        ])  # fmt: skip

    def encrypt(self, text):
        return self._keys().encrypt(text.encode()).decode()

    def decrypt(self, encrypted_text):
        try:
            return self._keys().decrypt(encrypted_text.encode()).decode()
        except InvalidToken as exc:
            raise ValueError("A second factor's secret could not be read with this key.") from exc


def required(user):
    """Whether MFA_REQUIRED_FOR names this person."""
    wanted = set(settings.MFA_REQUIRED_FOR)
    return bool(
        "everyone" in wanted
        or ("staff" in wanted and user.is_staff)
        or ("superusers" in wanted and user.is_superuser)
        or ("pmo" in wanted and access.is_pmo(user))
        or ("directors" in wanted and access.is_director(user))
    )


def has_app(user):
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def next_step(user):
    """After a right password: "code", "set-up", or None to sign in at once."""
    if has_app(user):
        return "code"
    return "set-up" if required(user) else None


def hold(request, user, next_url, method="password"):
    """Keep the person whose password was right until their second factor is."""
    request.session.pop(NEW_SECRET, None)  # someone else's, on a shared computer
    request.session.cycle_key()
    request.session[HELD] = {
        "user": user.pk, "backend": user.backend, "hash": user.get_session_auth_hash(),
        "at": time.time(), "next": next_url, "by": method, "tries": 0,
    }  # fmt: skip


def held(request):
    """The person held, or None (nobody, too long ago, or their password changed since)."""
    state = request.session.get(HELD)
    if not state or time.time() - state["at"] > HOLD_SECONDS:
        return None
    user = get_user_model().objects.filter(pk=state["user"], is_active=True).first()
    if user is None or not constant_time_compare(user.get_session_auth_hash(), state["hash"]):
        return None
    if not settings.PASSWORD_SIGN_IN and not user.is_superuser:
        return None  # came in by break-glass, and is a superuser no longer
    user.backend = state["backend"]
    return user


def locked_out(request, user):
    return AxesProxyHandler.is_locked(request, credentials={"username": user.username})


def app_code_step(secret, code, after=-1):
    """The time step `code` belongs to, if it is the app's code for one later than `after`
    within the tolerance (MFA_TOTP_TOLERANCE), else None."""
    for counter in yield_hotp_counters_from_time():
        if counter > after and compare_user_code(
            actual=code, expected=format_hotp_value(hotp_value(secret, counter))
        ):
            return counter
    return None


class Unreadable(Exception):
    """A secret none of the keys (SECRET_KEY and its fallbacks) decrypts."""


def _read(authenticator, field):
    try:
        return decrypt(authenticator.data[field])
    except ValueError as exc:
        logger.warning("The second factor of %s cannot be read: %s", authenticator.user_id, exc)
        raise Unreadable from exc


def _app_code(authenticator, code):
    secret = _read(authenticator, "secret")
    step = app_code_step(secret, code, authenticator.data.get("last_step", -1))
    if step is None:
        return False
    authenticator.data["last_step"] = step
    authenticator.data["secret"] = encrypt(secret)  # with today's key, if read with an old one
    authenticator.save(update_fields=["data"])
    return True


def check_code(user, code, recovery=True):
    """APP or RECOVERY_CODE when `code` is a right one not used before, else None. Called
    within attempt()'s lock, so a code sent twice at once works once."""
    code = "".join(str(code).split())
    app = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if code and app and _app_code(app, code):
        app.record_usage()
        return APP
    codes = Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES)
    codes = codes.first() if recovery else None
    wrapped = RecoveryCodes(codes) if code and codes else None
    if wrapped and wrapped.validate_code(code):
        codes = wrapped.instance  # as it marked the code used (read afresh, locked)
        codes.data["seed"] = encrypt(_read(codes, "seed"))
        codes.save(update_fields=["data"])
        codes.record_usage()
        return RECOVERY_CODE
    return None


def reencrypt_all():
    """Every secret with today's key (after SECRET_KEY changed, the old one a fallback);
    the number done and the people whose secrets no key reads."""
    done, unreadable = 0, []
    for authenticator in Authenticator.objects.select_related("user").iterator():
        field = "secret" if authenticator.type == Authenticator.Type.TOTP else "seed"
        try:
            authenticator.data[field] = encrypt(_read(authenticator, field))
        except Unreadable:
            unreadable.append(authenticator.user.get_username())
            continue
        authenticator.save(update_fields=["data"])
        done += 1
    return done, sorted(set(unreadable))


LOCKED = "locked"


def attempt(request, user, code, recovery=True):
    """A code typed by `user`: APP, RECOVERY_CODE, None (wrong: counted towards the
    account's lockout, as a wrong password is), or LOCKED. One at a time per person: the
    lockout is read, the code judged and a wrong one counted under a lock of their row, so
    codes sent at once cannot all pass the lockout before any is counted."""
    with transaction.atomic():
        get_user_model().objects.select_for_update().filter(pk=user.pk).first()
        if locked_out(request, user):
            return LOCKED
        how = check_code(user, code, recovery=recovery)
        if how is None:
            user_login_failed.send(
                sender=__name__, request=request,
                credentials={"username": user.username, "second_factor": True},
            )  # fmt: skip
        return how


def wrong_password(request, user):
    """A wrong password typed by someone signed in (to set an app up): counted as at
    sign-in, so a session left open is no way to guess it."""
    user_login_failed.send(sender=__name__, request=request,
                           credentials={"username": user.username})  # fmt: skip


def wrong_code(request):
    """Another wrong code while held: True when the person has had their tries and must
    type their password again."""
    state = request.session[HELD]
    state["tries"] += 1
    request.session.modified = True
    if state["tries"] >= MAX_TRIES:
        del request.session[HELD]
        return True
    return False


def sign_in(request, user, how):
    """The second factor was right: the session starts."""
    state = request.session.pop(HELD)
    request.signed_in_by = f"{state['by']} and {'an' if how == APP else 'a'} {how}"
    login(request, user, backend=state["backend"])
    return state["next"]


@transaction.atomic
def set_up(user, secret, step):
    """The person's authenticator app (its code of time step `step` just typed: used) and
    a fresh set of recovery codes; the codes."""
    Authenticator.objects.filter(user=user).delete()
    app = TOTP.activate(user, secret).instance
    app.data["last_step"] = step
    app.save(update_fields=["data"])
    codes = RecoveryCodes.activate(user).generate_codes()
    audit.record(audit.Kind.SECOND_FACTOR, actor=user, obj=user,
                 description="Set up an authenticator app, with 10 recovery codes.")  # fmt: skip
    return codes


def recovery_codes(user):
    instance = Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES)
    if not instance.exists():
        return []
    try:
        return RecoveryCodes(instance.get()).get_unused_codes()
    except ValueError:  # a seed no key reads: none usable (a superuser resets)
        return []


@transaction.atomic
def new_recovery_codes(user):
    """Ten new codes; the old ones stop working."""
    Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).delete()
    codes = RecoveryCodes.activate(user).generate_codes()
    audit.record(audit.Kind.SECOND_FACTOR, actor=user, obj=user,
                 description="Made new recovery codes; the old ones no longer work.")  # fmt: skip
    return codes


@transaction.atomic
def reset(user, by):
    """A superuser's: the person's app and codes go; they set an app up again at their next
    password sign-in, if required (a lost phone)."""
    removed = Authenticator.objects.filter(user=user).delete()[0]
    audit.record(audit.Kind.SECOND_FACTOR, actor=by, obj=user,
                 description=f"Reset {user.get_username()}'s second factor "
                 f"({removed} authenticator{'s' if removed != 1 else ''} removed).")  # fmt: skip
    return removed

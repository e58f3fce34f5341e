"""A second factor for password sign-ins (issue 18): a code from an authenticator app
(TOTP), or one of ten recovery codes, kept as django-allauth's authenticators (secrets
encrypted with SECRET_KEY; a code works once).

A password right is not yet a session: the person is "held" (their id, in the anonymous
session) until the code is right, for at most HOLD_SECONDS and MAX_TRIES wrong codes. Each
wrong code counts towards the account's lockout as a wrong password does. People
MFA_REQUIRED_FOR names must set an app up before their first session. Single sign-on
leaves the second factor to the provider.
"""

import time

from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import get_user_model, login
from django.contrib.auth.signals import user_login_failed
from django.db import transaction
from django.utils.crypto import constant_time_compare

from . import access, audit

HELD = "second_factor_held"
HOLD_SECONDS = 300
MAX_TRIES = 5
APP, RECOVERY_CODE = "authenticator app", "recovery code"


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
    user.backend = state["backend"]
    return user


def locked_out(request, user):
    return AxesProxyHandler.is_locked(request, credentials={"username": user.username})


@transaction.atomic
def check_code(user, code):
    """APP or RECOVERY_CODE when `code` is a right one not used before, else None (locked,
    so one recovery code used twice at once works once)."""
    code = "".join(str(code).split())
    kinds = ((Authenticator.Type.TOTP, TOTP, APP),
             (Authenticator.Type.RECOVERY_CODES, RecoveryCodes, RECOVERY_CODE))  # fmt: skip
    for kind, wrap, name in kinds:
        authenticator = (Authenticator.objects.select_for_update()
                         .filter(user=user, type=kind).first())  # fmt: skip
        if authenticator and code and wrap(authenticator).validate_code(code):
            authenticator.record_usage()
            return name
    return None


def wrong_code(request, user):
    """Counted as a failed sign-in of the account (the audit and the lockout hear of it);
    True when the person has had their tries and must start again."""
    user_login_failed.send(
        sender=__name__, request=request,
        credentials={"username": user.username, "second_factor": True},
    )  # fmt: skip
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
def set_up(user, secret):
    """The person's authenticator app and a fresh set of recovery codes; the codes."""
    Authenticator.objects.filter(user=user).delete()
    TOTP.activate(user, secret)
    codes = RecoveryCodes.activate(user).generate_codes()
    audit.record(audit.Kind.SECOND_FACTOR, actor=user, obj=user,
                 description="Set up an authenticator app, with 10 recovery codes.")  # fmt: skip
    return codes


def recovery_codes(user):
    instance = Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES)
    return RecoveryCodes(instance.get()).get_unused_codes() if instance.exists() else []


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

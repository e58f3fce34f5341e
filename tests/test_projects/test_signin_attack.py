"""Hostile review of issue 18's sign-in code. Each test states what should hold; each
failed on the reviewed code (600fa89) and passes since the fixes (the issue's note lists
the attacks). Single sign-on tests run against the real test provider (tests/idp)."""

import contextlib
import datetime
import json
import re
import threading

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth.models import Group
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from config.signin import providers
from projects import access, second_factor
from projects.models import AuditEvent, User
from tests import totp
from tests.conftest import need
from tests.factories import UserFactory
from tests.idp import CALLBACK, CLIENT_ID, CLIENT_SECRET, running_provider, through_the_provider

PASSWORD = "correct horse battery staple"
CODES = r'<li class="col py-1">(\d{8})</li>'


# --- helpers (as tests/test_projects/test_second_factor.py drives the pages) ------------


@pytest.fixture
def pmo_person(alice):
    alice.groups.add(Group.objects.get_or_create(name=access.PMO)[0])
    return alice


def password_step(client, username="alice", password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def set_up_page_secret(client):
    page = client.get(reverse("second-factor-set-up")).text
    return re.search(r'data-testid="totp-key">([A-Z2-7 ]+)<', page).group(1)


def set_up_app(client):
    secret = set_up_page_secret(client)
    done = client.post(reverse("second-factor-set-up"),
                       {"code": totp.code(secret), "password": PASSWORD})  # fmt: skip
    return secret, done


def with_app(username="alice"):
    client = Client()
    assert password_step(client, username)["Location"] == reverse("second-factor-set-up")
    secret, done = set_up_app(client)
    client.post(reverse("logout"))
    return secret, re.findall(CODES, done.text)


def signed_in_user(client):
    return client.get(reverse("account")).wsgi_request.user


# --- second factor -----------------------------------------------------------------------


def test_a_code_is_refused_again_for_as_long_as_it_would_be_accepted(pmo_person, settings):
    """MFA_TOTP_TOLERANCE=1 accepts a code for 90 seconds (last, this and next period), but
    allauth remembers a used code for only TOTP_PERIOD (30 s): the same code signs in a
    second time 31 seconds later. (A cache whose clock the test controls: Redis's TTL is
    the same 30 s of real time.)"""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    secret, _ = with_app()
    period_start = (int(datetime.datetime.now(datetime.UTC).timestamp()) // 30 + 10) * 30
    first = datetime.datetime.fromtimestamp(period_start + 1, tz=datetime.UTC)
    seen = totp.code(secret, at=first.timestamp())
    with time_machine.travel(first, tick=False):
        victim = Client()
        password_step(victim)
        assert victim.post(reverse("second-factor"), {"code": seen})["Location"] == "/"
    # 31 seconds later (the next period: the code is still within the tolerance), someone
    # who watched it typed, and knows the password, types it again.
    with time_machine.travel(first + datetime.timedelta(seconds=31), tick=False):
        attacker = Client()
        password_step(attacker)
        replay = attacker.post(reverse("second-factor"), {"code": seen})
        assert replay.status_code == 200 and "That code is not right" in replay.text, (
            "a code already used signed in again"
        )
        assert not signed_in_user(attacker).is_authenticated


def test_second_factor_secrets_are_not_stored_in_the_clear(pmo_person, alice):
    """projects/second_factor.py says the secrets are "encrypted with SECRET_KEY"; allauth's
    default MFA adapter's encrypt() returns the text as is, and no MFA_ADAPTER is set. Anyone
    with a database copy (a backup) or the Authenticator admin has every app's secret and
    the seed that generates every recovery code."""
    secret, codes = with_app()
    stored = {a.type: a.data for a in Authenticator.objects.filter(user=alice)}
    assert "".join(secret.split()) not in json.dumps(stored), "the TOTP secret, in clear"
    with connection.cursor() as cursor:
        cursor.execute("SELECT data::text FROM mfa_authenticator")
        raw = " ".join(row[0] for row in cursor.fetchall())
    assert "".join(secret.split()) not in raw
    # The recovery codes follow from the stored seed by allauth's public algorithm.
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    seed_holder = Authenticator(type="recovery_codes", data={
        "seed": stored["recovery_codes"]["seed"], "used_mask": 0})  # fmt: skip
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("allauth.mfa.recovery_codes.internal.auth.decrypt", lambda text: text)
        derived = RecoveryCodes(seed_holder).generate_codes()
    assert derived != codes, "recovery codes computable from the database alone"


def test_the_authenticator_admin_does_not_show_the_secret(pmo_person, alice):
    secret, _ = with_app()
    boss = UserFactory(username="boss", is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(boss)
    authenticator = Authenticator.objects.get(user=alice, type="totp")
    page = client.get(f"/admin/mfa/authenticator/{authenticator.pk}/change/")
    assert page.status_code == 404 and "".join(secret.split()) not in page.text


def test_wrong_codes_on_the_recovery_codes_page_are_limited(pmo_person, settings):
    """The page that shows recovery codes takes a current app code, but counts no wrong
    ones: a stolen session guesses codes without limit until the recovery codes (a second
    factor for good) are shown."""
    settings.AXES_FAILURE_LIMIT = 3
    secret, codes = with_app()
    client = Client()
    password_step(client)
    client.post(reverse("second-factor"), {"code": totp.code(secret, step=1)})
    assert signed_in_user(client) == pmo_person
    for guess in range(20):
        client.post(reverse("recovery-codes"), {"code": f"{guess:06d}", "action": "show"})
    with totp.later(2):
        shown = client.post(reverse("recovery-codes"),
                            {"code": totp.code(secret), "action": "show"})  # fmt: skip
    assert not set(re.findall(CODES, shown.text)) & set(codes), (
        "recovery codes shown after 20 wrong guesses"
    )


def test_the_set_up_secret_is_not_handed_to_the_next_person_in_the_browser(pmo_person):
    """The new app's secret is kept in the session under a key of its own, not tied to the
    person, and kept across the hold's cycle_key: whoever opened the set-up page first (and
    walked away) knows the secret the next person in that browser is given and sets up."""
    attacker = UserFactory(username="mallory", is_staff=True)  # also must set an app up
    shared = Client()
    assert password_step(shared, "mallory")["Location"] == reverse("second-factor-set-up")
    known = set_up_page_secret(shared)
    # Mallory leaves; alice signs in at the same computer.
    assert password_step(shared, "alice")["Location"] == reverse("second-factor-set-up")
    assert set_up_page_secret(shared) != known, "alice was given mallory's secret"
    del attacker


def test_the_break_glass_page_always_asks_for_a_second_factor(settings, tmp_path, alice):
    """README: the break-glass page takes a superuser's password "followed by the
    superuser's authenticator code". With MFA_REQUIRED_FOR empty (make run's setting) or
    without "staff"/"superusers", a superuser with no app comes in on the password alone:
    the one password-only door into an SSO-only Highlight."""
    settings.OIDC_ISSUER = "https://idp.example.org"
    settings.PASSWORD_SIGN_IN = False
    settings.MFA_REQUIRED_FOR = ["pmo"]
    User.objects.create_superuser("boss", "boss@example.org", PASSWORD)
    client = Client()
    response = client.post(reverse("break-glass"), {"username": "boss", "password": PASSWORD})
    assert response["Location"] in (reverse("second-factor"), reverse("second-factor-set-up"))
    assert not signed_in_user(client).is_authenticated


# --- single sign-on ----------------------------------------------------------------------


ACCOUNTS = {
    "alice-at-idp": {"email": "alice@example.org", "email_verified": True,
                     "name": "Alice Archer"},
    # Self-registered (or changed her address) at the provider: not verified, and it says so.
    "unverified": {"email": "alice@example.org", "email_verified": False, "name": "Mallory"},
    # A second provider account with alice's address (an address reused for a new starter).
    "new-starter": {"email": "alice@example.org", "email_verified": True, "name": "New"},
    # Dotless i (U+0131): a different address at the provider, alice's in PostgreSQL's
    # UPPER(); Django's EmailValidator takes it ([A-Z] with IGNORECASE matches it).
    "lookalike": {"email": "al\u0131ce@example.org", "email_verified": True, "name": "M"},
    "stranger": {"email": "stranger@example.org", "email_verified": True, "name": "S"},
}  # fmt: skip


@pytest.fixture
def sso(settings, tmp_path, alice):
    with running_provider(tmp_path, ACCOUNTS, [CALLBACK]) as issuer:
        settings.OIDC_ISSUER = issuer
        settings.OIDC_TRUST_EMAIL = True
        settings.SOCIALACCOUNT_PROVIDERS = providers(issuer, CLIENT_ID, CLIENT_SECRET, "Council")
        yield tmp_path / "idp.json"


def test_an_address_the_provider_says_is_unverified_links_nobody(sso, alice):
    """OIDC_TRUST_EMAIL trusts the organisation's addresses, but the provider itself says
    this one is not verified (Keycloak's email_verified=false: self-registration, or an
    address changed in the account console). It is linked to alice all the same, and she
    is a superuser: her account, without Highlight's second factor."""
    alice.is_superuser = alice.is_staff = True
    alice.save()
    client = Client()
    response = through_the_provider(client, "unverified")
    who = signed_in_user(client)
    assert not who.is_authenticated, f"signed in as {who.username} (superuser)"
    assert response.status_code == 403
    assert not SocialAccount.objects.filter(user=alice).exists()


def test_a_person_already_linked_is_not_linked_again_by_email(sso, alice):
    """Email matching is for a first sign-in. Alice signs in by single sign-on (linked by
    her subject); later another provider account carries her address (reassigned to a new
    starter, or a second account made at the provider): it is linked to alice as well."""
    first = Client()
    assert through_the_provider(first, "alice-at-idp")["Location"] == "/"
    other = Client()
    through_the_provider(other, "new-starter")
    who = signed_in_user(other)
    assert not who.is_authenticated, f"a second subject came in as {who.username}"
    assert SocialAccount.objects.filter(user=alice).count() == 1


def test_a_lookalike_address_is_not_matched_to_a_person(sso, alice):
    """The address "al\u0131ce@example.org" is not alice's; PostgreSQL's UPPER() (what
    email__iexact compares) makes it ALICE@EXAMPLE.ORG. A provider that keeps addresses
    unique lets anyone who may choose theirs take this one."""
    client = Client()
    through_the_provider(client, "lookalike")
    who = signed_in_user(client)
    assert not who.is_authenticated, f"a lookalike address came in as {who.username}"
    assert not SocialAccount.objects.filter(user=alice).exists()


def test_a_refused_switched_off_person_is_not_linked(sso, alice):
    """The email match links the provider's subject (connect() saves it) before the
    switched-off check refuses: the link stays, so if the account is switched on again the
    provider's person (whoever holds that address by then) comes in by subject."""
    alice.is_active = False
    alice.save()
    client = Client()
    assert through_the_provider(client, "alice-at-idp").status_code == 403
    assert not SocialAccount.objects.filter(user=alice).exists(), "linked though refused"


def test_a_person_with_an_address_already_in_highlight_is_refused_not_a_server_error(
    sso, settings, alice
):
    """OIDC_CREATE_USERS on, OIDC_TRUST_EMAIL off (or two people sharing the address): allauth
    will not make a second account with a known address and sends the browser to its
    sign-up form, whose URL Highlight does not have: a 500 at every attempt, and the audit
    hears nothing."""
    settings.OIDC_TRUST_EMAIL = False
    settings.OIDC_CREATE_USERS = True
    client = Client(raise_request_exception=False)
    response = through_the_provider(client, "alice-at-idp")
    assert response.status_code == 403, f"{response.status_code}: a server error"
    assert not signed_in_user(client).is_authenticated
    assert AuditEvent.objects.filter(kind="sign_in_failed").exists()


def test_a_recovery_code_typed_where_an_app_code_is_asked_is_not_used_up(pmo_person):
    """The recovery codes page asks for the app's code, but check_code() tries recovery codes
    too and marks the one typed as used, then answers "not the code your app shows"."""
    secret, codes = with_app()
    client = Client()
    password_step(client)
    client.post(reverse("second-factor"), {"code": totp.code(secret, step=1)})
    assert signed_in_user(client) == pmo_person
    refused = client.post(reverse("recovery-codes"), {"code": codes[0], "action": "show"})
    assert "not the code your app shows now" in refused.text
    assert len(second_factor.recovery_codes(pmo_person)) == 10, "a recovery code burnt"


@pytest.fixture
def racing(transactional_db, django_db_serialized_rollback):
    need(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")


def test_wrong_codes_sent_at_once_are_held_to_the_lockout(racing, settings, monkeypatch):
    """The lockout is checked before the code and the failure counted after it, outside any
    lock: codes sent at the same moment from several held sessions (a right password is not
    a failure, so opening them costs nothing) are all checked. Here every request is made to
    pass the lockout check before any code is judged (the worst interleaving, which real
    parallel requests reach: without the barrier 24 of 24 were judged with a limit of 3)."""
    settings.AXES_FAILURE_LIMIT = 3
    person = UserFactory(username="alice")
    person.groups.add(Group.objects.get_or_create(name=access.PMO)[0])
    secret, _ = with_app()
    held = []
    for _ in range(8):
        held.append(Client())
        assert password_step(held[-1])["Location"] == reverse("second-factor")
    barrier = threading.Barrier(len(held))
    checked_lockout = second_factor.locked_out

    def everyone_checks_first(request, user):
        answer = checked_lockout(request, user)
        # A request that stopped short (refused, or checked under a lock) breaks it.
        with contextlib.suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=5)
        return answer

    monkeypatch.setattr(second_factor, "locked_out", everyone_checks_first)
    right = totp.code(secret)

    def guess(client, code):
        try:
            client.post(reverse("second-factor"), {"code": code})
        finally:
            connections.close_all()

    guesses = [c for c in (f"{i:06d}" for i in range(20)) if c != right][: len(held)]
    threads = [
        threading.Thread(target=guess, args=pair) for pair in zip(held, guesses, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    judged = AuditEvent.objects.filter(kind="sign_in_failed").count()
    assert judged <= settings.AXES_FAILURE_LIMIT, (
        f"{judged} wrong codes judged with a lockout after {settings.AXES_FAILURE_LIMIT}"
    )


# --- after the fixes: each rule of the email match on its own --------------------------


def test_an_unverified_address_links_nobody_who_is_no_superuser_either(sso, alice):
    client = Client()
    assert through_the_provider(client, "unverified").status_code == 403
    assert not signed_in_user(client).is_authenticated
    assert not SocialAccount.objects.exists()


def test_a_superuser_is_never_linked_by_address(sso, alice):
    alice.is_superuser = alice.is_staff = True
    alice.save()
    client = Client()
    assert through_the_provider(client, "alice-at-idp").status_code == 403
    assert not signed_in_user(client).is_authenticated


def test_a_lookalike_address_held_in_highlight_is_not_matched(sso, alice):
    # The other way round: Highlight holds the dotless-i address, the provider the plain one.
    alice.email = "al\u0131ce@example.org"
    alice.save()
    client = Client()
    assert through_the_provider(client, "alice-at-idp").status_code == 403
    assert not signed_in_user(client).is_authenticated

"""Hostile review of issue 18's sign-in code, second round (after the fixes of 093bcae).
Each test states what should hold; each failed on 4c5b734 and passes since the fixes (the
issue's note lists the attacks). Single sign-on tests run against the real test provider
(tests/idp)."""

import json
import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.socialaccount.models import SocialAccount
from django.test import Client
from django.urls import reverse

from config.signin import providers
from projects import access
from projects.models import User
from tests import totp
from tests.idp import CLIENT_ID, CLIENT_SECRET, running_provider, through_the_provider
from tests.test_projects.test_signin_attack import (
    CALLBACK,
    PASSWORD,
    password_step,
    pmo_person,  # noqa: F401 (a fixture)
    signed_in_user,
    with_app,
)

NEW_KEY = "a-new-secret-key-for-the-rotation-test-0123456789abcdefghijklmnop"  # noqa: S105


def secret_on(page):
    return re.search(r'data-testid="totp-key">([A-Z2-7 ]+)<', page).group(1)


def code_sign_in(secret, periods):
    """A password sign-in with the app's code, `periods` codes on; the code page's answer."""
    client = Client(raise_request_exception=False)
    assert password_step(client)["Location"] == reverse("second-factor")
    with totp.later(periods):
        response = client.post(reverse("second-factor"), {"code": totp.code(secret)})
    return client, response


# --- the provider's groups ---------------------------------------------------------------


@pytest.fixture
def groups_provider(settings, tmp_path, alice):
    accounts = {"alice-at-idp": {"email": "alice@example.org", "groups": ["sg-highlight-pmo"]}}
    running = running_provider(tmp_path, accounts, [CALLBACK])
    issuer = running.__enter__()
    settings.OIDC_ISSUER = issuer
    settings.OIDC_TRUST_EMAIL = True
    settings.OIDC_GROUPS_CLAIM = "groups"
    settings.OIDC_PMO_GROUPS = ["sg-highlight-pmo"]
    settings.OIDC_DIRECTOR_GROUPS = ["sg-board"]
    settings.SOCIALACCOUNT_PROVIDERS = providers(issuer, CLIENT_ID, CLIENT_SECRET, "Council")
    yield tmp_path / "idp.json"
    running.__exit__(None, None, None)


def provider_says(config, **claims):
    data = json.loads(config.read_text())
    data["accounts"]["alice-at-idp"].update(claims)
    config.write_text(json.dumps(data))


def by_the_provider(client):
    return through_the_provider(client, "alice-at-idp")


def test_a_password_sign_in_keeps_no_rights_the_provider_has_taken_away(
    groups_provider, settings, alice
):
    """With OIDC_GROUPS_CLAIM "the provider's groups decide who is PMO, at every sign-in" and
    nobody can edit groups in the admin. A password sign-in never asks the provider: someone
    it took out of the PMO keeps the PMO's rights for as long as they sign in with their
    password (and no superuser can take them away in the admin)."""
    settings.MFA_REQUIRED_FOR = []
    client = Client()
    assert by_the_provider(client)["Location"] == "/"
    assert access.is_pmo(alice)
    client.post(reverse("logout"))
    provider_says(groups_provider, groups=["sg-everyone"])  # she left the PMO
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    signed_in = signed_in_user(client).is_authenticated
    assert not (signed_in and access.is_pmo(User.objects.get(pk=alice.pk))), (
        "signed in by password, still PMO, though the provider took her out of its group"
    )


def test_a_groups_claim_that_is_not_a_list_gives_a_page_not_a_server_error(groups_provider, alice):
    """A provider (or a claim mapper) sending one group as a number: TypeError in
    take_groups, a 500 at the callback, after the person was linked."""
    provider_says(groups_provider, groups=5)
    client = Client(raise_request_exception=False)
    response = by_the_provider(client)
    assert response.status_code < 500


def test_the_connect_process_gives_a_page_not_a_server_error(groups_provider, alice):
    """allauth's sign-in view takes any `process`: "connect" ends at the callback in
    allauth's connections page, which Highlight does not have (NoReverseMatch, a 500), the
    link to the provider already saved."""
    client = Client(raise_request_exception=False)
    for process in ("connect", "redirect"):
        response = client.post(reverse("openid_connect_login", kwargs={"provider_id": "sso"}),
                               {"process": process})  # fmt: skip
        assert response.status_code == 400 and "did not work" in response.text
    assert not SocialAccount.objects.exists()


# --- second factor secrets and SECRET_KEY -------------------------------------------------


def test_a_secret_the_key_cannot_read_gives_a_page_not_a_server_error(pmo_person, settings):  # noqa: F811
    """SECRET_KEY changed without SECRET_KEY_FALLBACKS (or a secret stored before 093bcae, in
    plain text): the code page, the account page and the recovery-codes page are 500s, for
    everyone with an app, the break-glass superuser too."""
    secret, _ = with_app()
    settings.SECRET_KEY = NEW_KEY
    _, response = code_sign_in(secret, 1)
    assert response.status_code < 500, "the code page"
    client = Client(raise_request_exception=False)
    client.force_login(pmo_person)
    assert client.get(reverse("account")).status_code == 200
    assert client.get(reverse("recovery-codes")).status_code < 500


def test_after_a_key_change_an_app_in_use_moves_to_the_new_key(pmo_person, settings):  # noqa: F811
    """README: keep the old key in SECRET_KEY_FALLBACKS "until everyone has set their app up
    again". Nobody can: the set-up page refuses to replace an app (a superuser's reset
    only), and a secret read with a fallback is never encrypted again with the new key. The
    fallback can never go: dropping it locks out every person with an app, whether they
    signed in meanwhile or not."""
    secret, _ = with_app()
    old = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = NEW_KEY, [old]
    client, response = code_sign_in(secret, 1)
    assert response.status_code == 302 and signed_in_user(client).username == "alice"
    settings.SECRET_KEY_FALLBACKS = []  # months later: every app was used meanwhile
    client, response = code_sign_in(secret, 3)
    assert response.status_code == 302 and signed_in_user(client).username == "alice"


# --- holds -------------------------------------------------------------------------------


def test_a_hold_ends_when_someone_else_signs_in_on_the_browser(pmo_person, bob, settings):  # noqa: F811
    """Alice types her password on a shared computer and is sent to set an app up, then
    leaves; Bob (no app needed) signs in with his password there. Alice's hold survives
    Bob's sign-in: Bob's "set up an app" (account page) is Alice's set-up, without a
    password, and puts Bob's phone on Alice's account and signs him in as her."""
    settings.MFA_REQUIRED_FOR = ["pmo"]
    client = Client()
    assert password_step(client)["Location"] == reverse("second-factor-set-up")
    assert password_step(client, "bob")["Location"] == "/"
    assert signed_in_user(client).username == "bob"
    page = client.get(reverse("second-factor-set-up")).text
    client.post(reverse("second-factor-set-up"),
                {"code": totp.code(secret_on(page)), "password": PASSWORD})  # fmt: skip
    assert not Authenticator.objects.filter(user=pmo_person).exists(), "Bob's phone on Alice"
    assert signed_in_user(client).username == "bob"


def test_the_break_glass_hold_ends_with_the_superusers_rights(alice, settings):
    """With passwords off, the break-glass page takes only a superuser's password. A
    superuser held there (typing their code) and meanwhile no longer one (demoted by another
    superuser) still comes in by password when their code is right."""
    settings.PASSWORD_SIGN_IN = False
    settings.OIDC_ISSUER = "http://127.0.0.1:9"
    alice.is_superuser = True
    alice.save()
    client = Client()
    held = client.post(reverse("break-glass"), {"username": "alice", "password": PASSWORD})
    assert held["Location"] == reverse("second-factor-set-up")
    alice.is_superuser = False
    alice.save()
    assert client.get(reverse("second-factor-set-up"))["Location"] == reverse("login")
    assert not signed_in_user(client).is_authenticated, "in by password, not a superuser"


# --- guessing a password in a session left open -------------------------------------------


def test_wrong_passwords_on_the_password_change_page_count_towards_the_lockout(alice, settings):
    """The set-up page counts a wrong password ("a session left open is no way to guess
    it": 093bcae). Django's password-change page, included with django.contrib.auth.urls,
    checks the old password as often as asked, uncounted and unaudited."""
    client = Client()
    client.force_login(alice)
    for guess in range(settings.AXES_FAILURE_LIMIT):
        tried = {"old_password": f"guess {guess}", "new_password1": "x", "new_password2": "x"}
        response = client.post(reverse("password_change"), tried)
        # "Your old password was entered incorrectly", and the last locks the account.
        assert response.status_code == (429 if guess == settings.AXES_FAILURE_LIMIT - 1 else 200)
    response = Client().post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 429, "not locked: the guesses were never counted"


# --- after the fixes: each layer on its own ------------------------------------------------


def test_someone_elses_sign_in_ends_a_hold_left_on_the_browser(pmo_person, bob):  # noqa: F811
    client = Client()
    assert password_step(client)["Location"] == reverse("second-factor-set-up")
    assert password_step(client, "bob")["Location"] == "/"
    # Alice's half-finished sign-in is gone: her code page sends to sign in.
    assert client.get(reverse("second-factor"))["Location"] == reverse("login")


def test_a_groups_claim_of_another_shape_gives_no_groups(groups_provider, alice):
    provider_says(groups_provider, groups={"sg-highlight-pmo": False})
    client = Client()
    assert by_the_provider(client)["Location"] == "/"
    assert not access.is_pmo(User.objects.get(pk=alice.pk))

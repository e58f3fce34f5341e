"""Single sign-on's rules beyond coming in (issue 18), against the real test provider: the
provider's groups decide PMO and Directors, a first sign-in takes name and job title from the
claims, a forged or expired ID token or a mismatched nonce is refused at the real callback,
passwords can be switched off (but for a superuser's break-glass page), and a single sign-on
session is shorter."""

import datetime
import json
import re

import pytest
import requests
import time_machine
from allauth.socialaccount.models import SocialAccount
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from config.signin import providers
from projects import access
from projects.models import AuditEvent, User
from tests import totp
from tests.idp import (
    CALLBACK,
    CLIENT_ID,
    CLIENT_SECRET,
    SERVER,
    running_provider,
    sign_in_at_provider,
    through_the_provider,
)
from tests.idp import start_sign_in as start

PASSWORD = "correct horse battery staple"
ACCOUNTS = {
    "alice-at-idp": {"email": "alice@example.org", "name": "Alice Archer",
                     "groups": ["sg-highlight-pmo", "sg-everyone"]},
    "newcomer": {"email": "new.comer@example.org", "given_name": "Nia", "family_name": "Comer",
                 "name": "Nia Comer", "jobTitle": "Head of Digital", "groups": ["sg-board"]},
}  # fmt: skip


def provider(settings, tmp_path, **options):
    """The test provider, with Highlight set to use it (groups claim "groups")."""
    running = running_provider(tmp_path, ACCOUNTS, [CALLBACK], **options)
    issuer = running.__enter__()
    settings.OIDC_ISSUER = issuer
    settings.OIDC_TRUST_EMAIL = True
    settings.OIDC_GROUPS_CLAIM = "groups"
    settings.OIDC_PMO_GROUPS = ["sg-highlight-pmo"]
    settings.OIDC_DIRECTOR_GROUPS = ["sg-board"]
    settings.SOCIALACCOUNT_PROVIDERS = providers(issuer, CLIENT_ID, CLIENT_SECRET, "Council")
    return running


@pytest.fixture
def sso(settings, tmp_path, alice):
    running = provider(settings, tmp_path)
    yield tmp_path / "idp.json"
    running.__exit__(None, None, None)


def groups_of(user):
    return set(user.groups.values_list("name", flat=True))


def test_the_providers_groups_decide_pmo_and_directors_at_each_sign_in(sso, alice):
    alice.groups.add(Group.objects.get_or_create(name=access.DIRECTORS)[0])
    client = Client()
    assert through_the_provider(client, "alice-at-idp")["Location"] == "/"
    assert groups_of(alice) == {access.PMO}, "PMO joined, Directors left"
    assert "your organisation's sign-in decides your groups" in client.get(
        reverse("account")).text  # fmt: skip
    rights = AuditEvent.objects.filter(kind="rights").values_list("description", flat=True)
    assert any("PMO" in r for r in rights) and any("Directors" in r for r in rights)
    # The provider drops her from the PMO group: at her next sign-in she is out of the PMO.
    config = json.loads(sso.read_text())
    config["accounts"]["alice-at-idp"]["groups"] = ["sg-everyone"]
    sso.write_text(json.dumps(config))
    client.post(reverse("logout"))
    assert through_the_provider(client, "alice-at-idp")["Location"] == "/"
    assert groups_of(alice) == set()


def test_while_the_provider_decides_groups_nobody_edits_them_in_the_admin(sso, alice):
    boss = User.objects.create_superuser("boss", "boss@example.org", PASSWORD)
    client = Client()
    client.force_login(boss)
    page = client.get(reverse("admin:projects_user_change", args=[alice.pk])).text
    assert 'name="groups"' not in page


def test_a_first_sign_in_makes_the_account_from_the_claims(sso, settings):
    settings.OIDC_CREATE_USERS = True
    client = Client()
    assert through_the_provider(client, "newcomer")["Location"] == "/"
    made = User.objects.get(email="new.comer@example.org")
    assert (made.first_name, made.last_name, made.job_title) == ("Nia", "Comer",
                                                                "Head of Digital")  # fmt: skip
    assert groups_of(made) == {access.DIRECTORS}
    assert SocialAccount.objects.get(user=made).uid == "newcomer"


def test_a_token_signed_with_a_key_the_provider_does_not_publish_is_refused(
    settings, tmp_path, alice
):
    running = provider(settings, tmp_path, publishOtherKey=True)
    try:
        client = Client()
        response = through_the_provider(client, "alice-at-idp")
    finally:
        running.__exit__(None, None, None)
    assert response.status_code == 401 and "did not work" in response.text
    assert not client.get("/").wsgi_request.user.is_authenticated
    assert not SocialAccount.objects.exists()
    failed = AuditEvent.objects.get(kind="sign_in_failed")
    assert failed.description == (
        "By single sign-on: the provider's answer was not accepted: unknown (Invalid id_token)."
    )
    assert failed.actor is None


def test_an_expired_token_is_refused(settings, tmp_path, alice):
    running = provider(settings, tmp_path, idTokenSeconds=60)
    try:
        client = Client()
        back = sign_in_at_provider(requests.Session(), start(client), "alice-at-idp", CALLBACK)
        # Highlight's clock, two minutes on: the token (a minute long) is out of date.
        later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=2)
        with time_machine.travel(later, tick=True):
            response = client.get(back.removeprefix(SERVER))
            signed_in = client.get("/").wsgi_request.user.is_authenticated
    finally:
        running.__exit__(None, None, None)
    assert response.status_code == 401 and "did not work" in response.text
    assert not signed_in


def test_the_nonce_ties_the_token_to_the_browser_that_asked(sso):
    client = Client()
    url = start(client)
    session = client.session
    states = session["socialaccount_states"]
    for state_id, (state, *rest) in list(states.items()):
        states[state_id] = [{**state, "nonce": "another browser's"}, *rest]
    session.save()
    back = sign_in_at_provider(requests.Session(), url, "alice-at-idp", CALLBACK)
    response = client.get(back.removeprefix(SERVER))
    assert response.status_code == 400 and "did not work" in response.text
    assert not client.get("/").wsgi_request.user.is_authenticated
    assert AuditEvent.objects.get(kind="sign_in_failed").description == (
        "By single sign-on: the ID token was not issued for this browser (nonce)."
    )


def test_with_passwords_off_only_a_superuser_signs_in_with_one(sso, settings, alice):
    settings.PASSWORD_SIGN_IN = False
    settings.MFA_REQUIRED_FOR = []
    page = Client().get(reverse("login")).text
    assert 'name="password"' not in page and "Sign in with your organisation" in page
    client = Client()
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD},
                           follow=True)  # fmt: skip
    assert "Passwords are not used here" in response.text
    assert not client.get("/").wsgi_request.user.is_authenticated
    # The break-glass page: alice's right password reads as a wrong one.
    refused = client.post(reverse("break-glass"), {"username": "alice", "password": PASSWORD})
    assert refused.status_code == 200 and "Please enter a correct username" in refused.text
    assert not client.get("/").wsgi_request.user.is_authenticated
    User.objects.create_superuser("boss", "boss@example.org", PASSWORD)
    response = client.post(reverse("break-glass"), {"username": "boss", "password": PASSWORD})
    # Never a password alone here, whatever MFA_REQUIRED_FOR says.
    assert response["Location"] == reverse("second-factor-set-up")
    page = client.get(response["Location"]).text
    secret = re.search(r'data-testid="totp-key">([A-Z2-7 ]+)<', page).group(1)
    client.post(response["Location"], {"code": totp.code(secret)})
    assert client.get("/").wsgi_request.user.username == "boss"
    assert AuditEvent.objects.get(kind="sign_in").description == (
        "By password (break-glass) and an authenticator app."
    )


def test_a_single_sign_on_session_ends_sooner(sso, settings, alice):
    settings.SSO_SESSION_HOURS = 4
    start_at = datetime.datetime.now(datetime.UTC)
    client = Client()
    through_the_provider(client, "alice-at-idp")
    for minutes in range(30, 240, 30):  # in use all along: never idle
        with time_machine.travel(start_at + datetime.timedelta(minutes=minutes)):
            assert client.get("/projects/").status_code == 200, f"out after {minutes} min"
    assert "by single sign-on" in client.get(reverse("account")).text
    with time_machine.travel(start_at + datetime.timedelta(minutes=250)):
        response = client.get("/projects/")
        page = client.get(response["Location"]).text
    assert response.status_code == 302
    assert "at the end of the longest single sign-on session (4 hours)" in page

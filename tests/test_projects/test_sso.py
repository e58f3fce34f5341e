"""Single sign-on with OpenID Connect (issue 18), against a real provider (tests/idp): the
person presses the sign-in page's button, signs in on the provider's own pages, and comes
back signed in; or is refused with a page saying why."""

import pytest
from django.urls import reverse

from config.signin import providers
from projects.models import AuditEvent
from tests.idp import CALLBACK, CLIENT_ID, CLIENT_SECRET, running_provider
from tests.idp import through_the_provider as signed_in_at_provider

ACCOUNTS = {
    "alice-at-idp": {"email": "ALICE@example.org", "email_verified": True, "name": "Alice Archer"},
    "stranger": {"email": "stranger@example.org", "email_verified": True, "name": "A Stranger"},
}  # fmt: skip


@pytest.fixture
def sso(settings, tmp_path, alice):
    with running_provider(tmp_path, ACCOUNTS, [CALLBACK]) as issuer:
        settings.OIDC_ISSUER = issuer
        settings.OIDC_TRUST_EMAIL = True
        settings.OIDC_BUTTON_LABEL = "Sign in with Example Council"
        settings.SOCIALACCOUNT_PROVIDERS = providers(issuer, CLIENT_ID, CLIENT_SECRET, "Council")
        yield issuer


def through_the_provider(client, login):
    page = client.get(reverse("login")).text
    assert page.index("Sign in with Example Council") < page.index('name="password"')
    return signed_in_at_provider(client, login)


def test_a_known_person_signs_in_through_the_provider(sso, client, alice):
    response = through_the_provider(client, "alice-at-idp")
    assert response.status_code == 302 and response["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200 and "My actions" in home.text
    assert home.wsgi_request.user == alice
    # Next time the provider's subject is enough, whatever the email says then.
    alice.email = "changed@example.org"
    alice.save()
    client.logout()
    assert through_the_provider(client, "alice-at-idp")["Location"] == "/"
    sign_ins = AuditEvent.objects.filter(kind="sign_in", actor=alice)
    assert [e.description for e in sign_ins] == ["By single sign-on.", "By single sign-on."]


def test_a_person_highlight_does_not_know_is_refused_with_a_page(sso, client):
    response = through_the_provider(client, "stranger")
    assert response.status_code == 403
    assert "Highlight has no account for you yet" in response.text
    assert "stranger@example.org" in response.text
    assert not client.get("/").wsgi_request.user.is_authenticated
    failed = AuditEvent.objects.get(kind="sign_in_failed")
    assert failed.object_repr == "no account (stranger@example.org, subject stranger)"
    assert failed.description == "By single sign-on: no account matches the provider's person."


def test_a_switched_off_person_cannot_sign_in_through_the_provider(sso, client, alice):
    alice.is_active = False
    alice.save()
    response = through_the_provider(client, "alice-at-idp")
    assert response.status_code == 403 and "switched off" in response.text
    assert not client.get("/").wsgi_request.user.is_authenticated
    failed = AuditEvent.objects.get(kind="sign_in_failed")
    assert (failed.object_repr, failed.description) == (
        "account alice", "By single sign-on: the account is switched off.")  # fmt: skip


def test_without_a_provider_the_sign_in_page_has_no_button(db, client):
    assert "openid_connect" not in client.get(reverse("login")).text
    assert "/accounts/oidc/" not in client.get(reverse("login")).text


def test_the_provider_down_gives_a_page_not_an_error(sso, settings, client):
    from tests.idp import free_port

    down = f"http://127.0.0.1:{free_port()}"
    settings.SOCIALACCOUNT_PROVIDERS = providers(down, CLIENT_ID, CLIENT_SECRET, "Council")
    response = client.post(reverse("openid_connect_login", kwargs={"provider_id": "sso"}),
                           {"process": "login"}, follow=True)  # fmt: skip
    assert response.status_code == 502
    assert "Your organisation's sign-in did not work" in response.text


def test_with_accounts_made_at_first_sign_in_a_stranger_comes_in(sso, settings, client):
    settings.OIDC_CREATE_USERS = True
    response = through_the_provider(client, "stranger")
    assert response.status_code == 302 and response["Location"] == "/"
    made = client.get("/").wsgi_request.user
    assert (made.email, made.get_full_name()) == ("stranger@example.org", "A Stranger")
    assert not made.is_staff and not made.groups.exists()  # no rights but a reader's

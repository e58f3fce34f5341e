"""Hostile review of issue 18: attacks that held, kept as regression tests (the ones that
found defects are in test_signin_attack.py)."""

import datetime

import requests
import time_machine
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from config.signin import providers
from tests import totp
from tests.idp import CLIENT_ID, CLIENT_SECRET, running_provider, sign_in_at_provider
from tests.test_projects.test_signin_attack import (
    CALLBACK,
    PASSWORD,
    password_step,
    pmo_person,  # noqa: F401 (a fixture)
    signed_in_user,
    with_app,
)


def test_the_cache_clock_follows_time_machine(settings):
    """Guard for the replay test in test_signin_attack.py: a locmem cache's entries expire on
    time_machine's clock."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        caches["default"].add("k", "v", timeout=30)
    with time_machine.travel(start + datetime.timedelta(seconds=20), tick=False):
        assert caches["default"].get("k") == "v"
    with time_machine.travel(start + datetime.timedelta(seconds=31), tick=False):
        assert caches["default"].get("k") is None


def test_the_held_next_url_stays_on_this_site(pmo_person):  # noqa: F811
    secret, _ = with_app()
    for periods, target in enumerate(("https://evil.example/", "//evil.example/"), 1):
        client = Client()
        client.post(f"{reverse('login')}?next={target}", {"username": "alice",
                                                         "password": PASSWORD})  # fmt: skip
        with totp.later(periods * 2):
            assert client.post(reverse("second-factor"),
                               {"code": totp.code(secret)})["Location"] == "/"  # fmt: skip


def test_the_session_key_changes_at_the_hold_and_at_the_sign_in(pmo_person):  # noqa: F811
    secret, _ = with_app()
    client = Client()
    client.get(reverse("login"))
    client.session.save()
    before = client.session.session_key
    password_step(client)
    held = client.cookies["sessionid"].value
    client.post(reverse("second-factor"), {"code": totp.code(secret, step=1)})
    assert len({before, held, client.cookies["sessionid"].value}) == 3


def test_the_code_and_set_up_pages_check_csrf(pmo_person):  # noqa: F811
    with_app()
    client = Client(enforce_csrf_checks=True)
    client.get(reverse("login"))
    token = client.cookies["csrftoken"].value
    response = client.post(reverse("login"), {"username": "alice", "password": PASSWORD,
                                              "csrfmiddlewaretoken": token})  # fmt: skip
    assert response["Location"] == reverse("second-factor")
    assert client.post(reverse("second-factor"), {"code": "000000"}).status_code == 403
    assert client.post(reverse("second-factor-set-up"), {"code": "000000"}).status_code == 403


def test_a_password_reset_link_does_not_sign_in_past_the_second_factor(pmo_person):  # noqa: F811
    with_app()
    pmo_person.refresh_from_db()  # signed in once: the token covers last_login
    client = Client()
    uid = urlsafe_base64_encode(force_bytes(pmo_person.pk))
    token = default_token_generator.make_token(pmo_person)
    page = client.get(reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token}))
    new = "another long passphrase 9"
    done = client.post(page["Location"], {"new_password1": new, "new_password2": new})
    assert done["Location"] == reverse("password_reset_complete")
    assert not signed_in_user(client).is_authenticated


def test_claims_reach_pages_escaped_and_the_sso_next_stays_here(settings, tmp_path, db):
    accounts = {"x": {"email": "x@example.org", "email_verified": True,
                      "name": "<script>alert(1)</script>", "given_name": "<script>alert(1)",
                      "jobTitle": "<img src=x onerror=alert(1)>"}}  # fmt: skip
    with running_provider(tmp_path, accounts, [CALLBACK]) as issuer:
        settings.OIDC_ISSUER = issuer
        settings.OIDC_CREATE_USERS = True
        settings.SOCIALACCOUNT_PROVIDERS = providers(issuer, CLIENT_ID, CLIENT_SECRET, "Council")
        client = Client()
        start = client.post(reverse("openid_connect_login", kwargs={"provider_id": "sso"}),
                            {"process": "login", "next": "https://evil.example/"})  # fmt: skip
        back = sign_in_at_provider(requests.Session(), start["Location"], "x", CALLBACK)
        assert client.get(back.removeprefix("http://testserver"))["Location"] == "/"
        page = client.get(reverse("account")).text
    assert "<script>alert" not in page and "<img src=x" not in page

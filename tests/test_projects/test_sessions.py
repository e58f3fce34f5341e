"""Sessions end when they should (issue 18): after SESSION_IDLE_MINUTES without a request,
SESSION_MAX_HOURS after signing in, everywhere at once on request, and at once for a person
made inactive. People sign in through the real form; the clock is moved."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from projects.models import AuditEvent

PASSWORD = "correct horse battery staple"
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
PAGE = "/projects/"
SERVER = "http://testserver"


def signed_in(username="alice"):
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, "could not sign in"
    return client


def at(minutes):
    return time_machine.travel(START + datetime.timedelta(minutes=minutes), tick=False)


def is_signed_in(client, path=PAGE):
    response = client.get(path)
    return response.status_code == 200, response


def test_a_session_idle_for_longer_than_the_limit_ends(alice):
    with at(0):
        client = signed_in()
    with at(59):
        assert is_signed_in(client)[0]  # and the clock restarts
    with at(59 + 61):
        signed, response = is_signed_in(client)
        page = client.get(response["Location"]).text
    assert not signed
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=%2Fprojects%2F"
    assert "You were signed out after 60 minutes without activity." in page
    assert "anything you were typing in a report is kept in this browser" in page
    event = AuditEvent.objects.filter(kind="sign_out").get()
    assert event.actor == alice
    assert event.description == "Signed out after 60 minutes without activity."


def test_a_session_in_use_ends_at_its_longest(alice, settings):
    with at(0):
        client = signed_in()
    for minute in range(30, 10 * 60, 30):
        with at(minute):
            assert is_signed_in(client)[0], f"signed out after {minute} minutes in use"
    with at(10 * 60 + 1):
        signed, response = is_signed_in(client)
        page = client.get(response["Location"]).text
    assert not signed
    assert "at the end of the longest session (10 hours)" in page


def test_a_form_sent_after_the_session_ended_returns_to_its_page(alice, project, report):
    edit = f"{report.get_absolute_url()}edit/"
    version = report.version
    with at(0):
        client = signed_in()
        assert client.get(edit).status_code == 200
    with at(61):
        response = client.post(edit, {"summary": "typed for an hour"},
                               HTTP_REFERER=f"http://testserver{edit}")  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={edit.replace('/', '%2F')}"
    report.refresh_from_db()
    assert report.version == version  # nothing was saved


def test_an_htmx_request_after_the_session_ended_sends_the_whole_page_to_sign_in(alice):
    with at(0):
        client = signed_in()
    with at(61):
        response = client.get(
            "/documents/", HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL=f"{SERVER}/documents/?page=2"
        )
    assert response.status_code == 204
    assert response["HX-Redirect"] == f"{reverse('login')}?next=%2Fdocuments%2F%3Fpage%3D2"


def test_signing_out_everywhere_ends_every_session(alice):
    here, elsewhere = signed_in(), signed_in()
    assert is_signed_in(elsewhere)[0]
    account = here.get(reverse("account")).text
    assert "Sign out everywhere" in account and "alice" in account

    response = here.post(reverse("sign-out-everywhere"))

    assert response["Location"] == reverse("login")
    assert "You were signed out everywhere, on request." in here.get(reverse("login")).text
    assert not is_signed_in(here)[0] and not is_signed_in(elsewhere)[0]
    assert is_signed_in(signed_in())[0]  # signing in again works
    event = AuditEvent.objects.filter(kind="sign_out", actor=alice).get()
    assert event.description == "Signed out everywhere, on request."


def test_a_person_made_inactive_is_out_at_once_and_stays_out(alice):
    client = signed_in()
    alice.is_active = False
    alice.save()
    assert not is_signed_in(client)[0]
    alice.is_active = True
    alice.save(update_fields=["is_active"])
    assert not is_signed_in(client)[0], "the old session came back with the account"
    assert is_signed_in(signed_in())[0]


@pytest.mark.parametrize("setting", ["SESSION_IDLE_MINUTES", "SESSION_MAX_HOURS"])
def test_a_session_limit_of_nothing_is_refused(monkeypatch, setting):
    from django.core.exceptions import ImproperlyConfigured

    from tests.test_config.test_production_settings import PRODUCTION, read_settings

    with pytest.raises(ImproperlyConfigured, match="must be at least 1"):
        read_settings(monkeypatch, **PRODUCTION, **{setting: "0"})


def test_the_account_page_says_when_the_session_ends(alice):
    with at(0):
        client = signed_in()
        page = client.get(reverse("account")).text
    local = timezone.localtime(START)
    assert f"{local:%d/%m/%Y %H:%M}" in page
    assert f"{local + datetime.timedelta(hours=10):%d/%m/%Y %H:%M}" in page
    assert "60 minutes" in page

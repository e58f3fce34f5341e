"""Production hardening a user or an attacker would notice: sign-in throttling, password
rules, session expiry, the security headers on every kind of response, and a strict
Content-Security-Policy that pages keep (no inline script or style)."""

import datetime
import re

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse

from tests.factories import ReportFactory

RIGHT = "correct horse battery staple"


def sign_in(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_an_account_is_paused_after_repeated_wrong_passwords(client, alice, bob):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, "alice", "guess").status_code == 200
    paused = sign_in(client, "alice", "guess")
    assert paused.status_code == 429
    assert "Sign-in paused for this account" in paused.content.decode()
    assert "15 minutes" in paused.content.decode()
    # Even the right password is refused while the account is paused...
    assert sign_in(client, "alice", RIGHT).status_code == 429
    assert "_auth_user_id" not in client.session
    # ...but only that account: a colleague at the same desk still signs in.
    assert sign_in(client, "bob", RIGHT)["Location"] == "/"


def test_the_pause_ends_after_the_cool_off(client, alice):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)) as clock:
        for _ in range(settings.AXES_FAILURE_LIMIT):
            sign_in(client, "alice", "guess")
        assert sign_in(client, "alice", RIGHT).status_code == 429
        clock.shift(datetime.timedelta(minutes=16))
        assert sign_in(client, "alice", RIGHT)["Location"] == "/"


def test_a_success_clears_the_count_of_failures(client, alice):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "alice", "guess")
    assert sign_in(client, "alice", RIGHT)["Location"] == "/"
    client.post(reverse("logout"))
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        sign_in(client, "alice", "guess")
    assert sign_in(client, "alice", RIGHT)["Location"] == "/"


@pytest.mark.parametrize(
    ("password", "refusal"),
    [
        ("Tr0ub4dor&3", "at least 12 characters"),
        ("password1234", "too common"),
        ("839201573920", "entirely numeric"),
        ("alice@example.org", "too similar"),
    ],
)
def test_weak_new_passwords_are_refused(client_for, alice, password, refusal):
    client = client_for(alice)
    page = client.post(
        reverse("password_change"),
        {"old_password": RIGHT, "new_password1": password, "new_password2": password},
    )
    assert page.status_code == 200
    assert refusal in page.content.decode()
    alice.refresh_from_db()
    assert alice.check_password(RIGHT)


def test_a_session_ends_when_its_time_is_up(client, alice):
    with time_machine.travel(datetime.datetime(2026, 3, 2, 8, 0, tzinfo=datetime.UTC)) as clock:
        sign_in(client, "alice", RIGHT)
        assert client.get("/").status_code == 200
        clock.shift(datetime.timedelta(seconds=settings.SESSION_COOKIE_AGE + 60))
        response = client.get("/")
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_every_kind_of_response_carries_the_security_headers(client_for, alice, olive, project):
    report = ReportFactory(project=project, period_start=datetime.date(2024, 3, 1))
    signed_in = client_for(olive)
    responses = {
        "page": signed_in.get("/"),
        "404": signed_in.get(reverse("projects:report-detail", args=["TEST.1", "2024-03"])),
        "403": signed_in.get(reverse("projects:project-create")),
        "405": signed_in.get(reverse("projects:report-next", args=["TEST.1"])),
        "xlsx": signed_in.get(reverse("projects:dashboard-export")),
        "healthz": signed_in.get("/healthz"),
    }
    signed_in.post(reverse("logout"))
    responses["redirect to sign in"] = signed_in.get(report.project.get_absolute_url())
    responses["sign-in page"] = signed_in.get(reverse("login"))
    for kind, response in responses.items():
        csp = response.get("Content-Security-Policy", "")
        assert "default-src 'self'" in csp and "unsafe-inline" not in csp, kind
        assert "frame-ancestors 'none'" in csp, kind
        assert response["X-Content-Type-Options"] == "nosniff", kind
        assert response["X-Frame-Options"] == "DENY", kind
        assert response["Referrer-Policy"] == "same-origin", kind


def test_pages_carry_a_strict_csp_and_no_inline_script_or_style(client_for, report, alice):
    client = client_for(alice)
    for url in ("/", "/projects/", report.project.get_absolute_url(), report.get_absolute_url(),
                report.get_absolute_url() + "edit/", "/documents/"):  # fmt: skip
        response = client.get(url)
        assert response.status_code == 200, url
        csp = response["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "style-src 'self'" in csp
        assert "unsafe-inline" not in csp
        html = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert not re.search(r"\sstyle=", html), url
        assert "<style" not in html, url

"""Signing in and out: every page needs it but sign-in, password reset and the health check;
the real form signs in and a wrong password is refused; signing out is a POST; a password
reset link works; the sign-in page loads nothing from elsewhere."""

import re

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse


@pytest.mark.parametrize("path", ["/", "/projects/", "/projects/TEST.1/", "/documents/", "/admin/"])
def test_every_page_needs_a_login(client, project, path):
    response = client.get(path)
    assert response.status_code == 302
    assert (
        response["Location"].startswith("/accounts/login/")
        or "/admin/login/" in response["Location"]
    )


def test_sign_in_through_the_real_form(client, alice):
    page = client.get("/accounts/login/")
    assert page.status_code == 200 and "Sign in to Highlight" in page.content.decode()
    response = client.post(
        "/accounts/login/", {"username": "alice", "password": "correct horse battery staple"}
    )
    assert response.status_code == 302 and response["Location"] == "/"
    assert "My actions" in client.get("/").content.decode()


def test_wrong_password_is_refused(client, alice):
    response = client.post("/accounts/login/", {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()


def test_sign_out_is_a_post(client_for, alice):
    client = client_for(alice)
    assert client.get("/accounts/logout/").status_code == 405
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert client.get("/").status_code == 302


def test_password_reset_sends_a_working_link(client, alice):
    response = client.post(reverse("password_reset"), {"email": alice.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    # Links in emails point at SITE_URL (sent from a task, with no request to ask).
    site = re.escape(settings.SITE_URL.rstrip("/"))
    link = re.search(rf"{site}(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert "Set a new password" in form.content.decode()


def test_login_page_uses_only_local_assets(client, db):
    html = client.get("/accounts/login/").content.decode()
    assert not re.search(r'(src|href)="(https?:)?//', html)

import re

import pytest
from django.core import mail
from django.db.utils import OperationalError
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
    link = re.search(r"http://testserver(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form = client.get(link, follow=True)
    assert "Set a new password" in form.content.decode()


def test_healthz_reports_database_and_broker(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "in-process"}


def test_healthz_is_503_when_the_database_does_not_answer(client, db, monkeypatch):
    def down(*args, **kwargs):
        raise OperationalError("connection refused")

    with monkeypatch.context() as patch:
        patch.setattr("config.views.connection.cursor", down)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


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


def test_login_page_uses_only_local_assets(client, db):
    html = client.get("/accounts/login/").content.decode()
    assert not re.search(r'(src|href)="(https?:)?//', html)


def test_postgresql_sessions_run_without_jit(db):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("JIT is a PostgreSQL setting; this run uses " + connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"

"""Issue 17, finding 4: without signing in, a 300 MB multipart POST to an import page with a
valid CSRF cookie was read whole (a 271 MB temporary file) before the sign-in redirect: the
CSRF check reads request.POST. Bodies are now judged by their headers before anything reads
them (config/middleware.py). The attacks below send a body that fails the test if a single
byte of it is read, so none needs the megabytes it claims."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from projects.spreadsheets import MAX_FILE_BYTES
from risks.models import Risk, RiskMatrix
from tests.factories import RiskRegisterFactory
from tests.test_config.test_hardening import RIGHT

CSRF = "a" * 32  # a CSRF cookie of the attacker's own: valid as far as Django can tell
MULTIPART = "multipart/form-data; boundary=BoUnDaRy"


class Unreadable:
    """A request body that must never be read."""

    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


@pytest.fixture
def register(alice):
    return RiskRegisterFactory(
        name="Library risks", matrix=RiskMatrix.objects.get(name="5x5"), owner=alice
    )


def attacker(user=None):
    """A client that sends a CSRF cookie and, unlike the test client's default, is checked
    for it, so the CSRF check reads request.POST as it does for a browser."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=True)
    client.cookies["csrftoken"] = CSRF
    if user is not None:
        client.force_login(user)
    return client


def post_unread(client, url, length, **extra):
    return client.generic(
        "POST",
        url,
        CONTENT_TYPE=MULTIPART,
        CONTENT_LENGTH=str(length),
        **{"wsgi.input": Unreadable(), **extra},
    )


def import_url(register):
    return reverse("risks:register-import", args=[register.slug])


@pytest.mark.parametrize("megabytes", [1, 15, 300])
def test_a_signed_out_upload_to_an_import_page_is_never_read(register, megabytes):
    url = import_url(register)
    response = post_unread(attacker(), url, megabytes * 1_000_000)
    if megabytes * 1_000_000 > settings.MAX_UPLOAD_BYTES:
        assert response.status_code == 413
    else:
        # The answer every page gives a visitor who is not signed in.
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('login')}?next={url}"
    assert not Risk.objects.exists()


def test_a_body_over_the_limit_is_refused_unread_from_anyone(register, alice):
    response = post_unread(attacker(alice), import_url(register), 300_000_000)
    assert response.status_code == 413
    assert response.content.decode() == (
        "Too large: Highlight takes at most 20 MB at a time. Nothing was read or saved."
    )
    # Refused before the rest of the stack, and still with the headers every answer has.
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("view", ["login", "password_reset"])
def test_a_stranger_sends_a_sign_in_form_not_a_file(view, db):
    """19 MB to the sign-in page was spooled to disk (found by the hostile review): what a
    signed-out visitor may send is a form of a few fields."""
    response = post_unread(attacker(), reverse(view), settings.ANONYMOUS_MAX_BODY_BYTES + 1)
    assert response.status_code == 413
    assert response.content.decode() == "Too large for a sign-in form. Nothing was read."


def test_a_username_longer_than_any_is_a_failed_sign_in_not_an_error(client, alice):
    """A 300-character username was a server error (django-axes keeps 255 of it)."""
    typed = "x" * 300
    response = client.post(reverse("login"), {"username": typed, "password": "wrong"})
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.text
    from projects.models import AuditEvent

    failed = AuditEvent.objects.get(kind="sign_in_failed")
    assert failed.object_repr == f"no account {typed[:150]}"  # what was tried, cut to 150


@pytest.mark.parametrize("signed_in", [False, True])
def test_a_body_without_a_length_is_refused_unread(register, alice, signed_in):
    """Transfer-Encoding: chunked has no Content-Length. Django reads a body only up to its
    Content-Length, so the view would see it as empty; it is refused rather than guessed."""
    client = attacker(alice if signed_in else None)
    response = client.generic(
        "POST",
        import_url(register),
        CONTENT_TYPE=MULTIPART,
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": Unreadable()},
    )
    assert response.status_code == 411
    assert "Send the body with its length" in response.content.decode()


@pytest.mark.parametrize("length", ["lots", "-1", "１２", "1e9"])
def test_a_length_that_is_not_a_number_is_refused_unread(register, alice, length):
    response = post_unread(attacker(alice), import_url(register), length)
    assert response.status_code == 400
    assert "The Content-Length is not a number" in response.content.decode()


def test_the_limit_is_the_setting(register, alice, settings):
    settings.MAX_UPLOAD_BYTES = 1_000
    client = attacker(alice)
    assert post_unread(client, import_url(register), 1_001).status_code == 413
    # At the limit the body goes on to the view (the CSRF check reads it first).
    with pytest.raises(AssertionError, match="the body was read"):
        post_unread(client, import_url(register), 1_000)


def test_a_workbook_over_the_import_limit_gets_the_imports_own_message(client_for, alice, register):
    """The request limit sits above the largest file a page takes, so a person who picks too
    big a workbook is told what the import takes, not a bare 413."""
    assert settings.MAX_UPLOAD_BYTES >= MAX_FILE_BYTES + 1_000_000
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE <= settings.MAX_UPLOAD_BYTES
    upload = SimpleUploadedFile("register.xlsx", b"0" * (MAX_FILE_BYTES + 1))
    # The upload answers with its job's page, which says why the file was refused.
    response = client_for(alice).post(import_url(register), {"file": upload}, follow=True)
    assert response.status_code == 200 and response.redirect_chain
    assert "a register is at most 10 MB" in response.content.decode()


def test_the_views_named_as_taking_anonymous_bodies_exist():
    arguments = {"password_reset_confirm": {"args": ["MQ", "set-password"]},
                 "invitation": {"args": ["MQ", "set-your-password"]},
                 "openid_connect_login": {"kwargs": {"provider_id": "sso"}}}  # fmt: skip
    for name in settings.ANONYMOUS_POST_VIEWS:
        reverse(name, **arguments.get(name, {}))


# --- what a visitor who is not signed in may still send --------------------------------


def test_signing_in_works(alice):
    client = Client(enforce_csrf_checks=True)
    page = client.get(reverse("login"))
    token = page.context["csrf_token"]
    response = client.post(
        reverse("login"),
        {"username": "alice", "password": RIGHT, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_the_admins_own_sign_in_sends_people_to_highlights(db, settings):
    # The admin's page would sign a superuser in without their second factor (issue 18).
    settings.MFA_REQUIRED_FOR = []
    get_user_model().objects.create_superuser("boss", "boss@example.org", RIGHT)
    client = Client()
    response = client.post(reverse("admin:login"), {"username": "boss", "password": RIGHT})
    assert not client.get("/").wsgi_request.user.is_authenticated
    assert client.get(reverse("admin:index"))["Location"] == "/admin/login/?next=/admin/"
    to = client.get("/admin/login/?next=/admin/")["Location"]
    assert to == "/accounts/login/?next=%2Fadmin%2F"
    response = client.post(to, {"username": "boss", "password": RIGHT})
    assert response["Location"] == "/admin/"
    assert client.get(reverse("admin:index")).status_code == 200


def test_resetting_a_password_works_from_start_to_finish(alice):
    client = Client()
    response = client.post(reverse("password_reset"), {"email": alice.email})
    assert response["Location"] == reverse("password_reset_done")
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+)", mail.outbox[0].body).group(1)
    form_url = client.get(link)["Location"]  # Django swaps the token for a session key
    new = "lighthouse keepers eat porridge"
    done = client.post(form_url, {"new_password1": new, "new_password2": new})
    assert done["Location"] == reverse("password_reset_complete")
    alice.refresh_from_db()
    assert alice.check_password(new)


def test_signing_out_is_a_post_from_someone_signed_in(client_for, alice):
    client = client_for(alice)
    assert client.get(reverse("logout")).status_code == 405  # LogoutView: POST only
    response = client.post(reverse("logout"), {"csrfmiddlewaretoken": "x"})
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert client.get("/").status_code == 302  # signed out

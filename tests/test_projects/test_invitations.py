"""Invitations (issue 19): an imported person chooses their own password through a link
that works once and expires, recorded in the audit; with single sign-on on, the email says
how to sign in and no password can be set."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse

from projects.models import AuditEvent, User
from projects.onboarding import invitations
from tests.onboarding import run

HEADER = ["Email", "Full name"]
PASSWORD = "a long and new passphrase 42"


@pytest.fixture
def invited(tmp_path, django_capture_on_commit_callbacks, pam):
    with django_capture_on_commit_callbacks(execute=True):
        run("import_people", tmp_path, [HEADER, ["ann.smith@example.org", "Ann Smith"]])
    return User.objects.get(email="ann.smith@example.org")


def link_in(message):
    return re.search(r"http://[^/]+(/accounts/invitation/\S+/)", message.body).group(1)


def choose_password(client, link):
    page = client.get(link, follow=True)
    return page, client.post(
        page.redirect_chain[-1][0] if page.redirect_chain else link,
        {"new_password1": PASSWORD, "new_password2": PASSWORD},
    )


@pytest.mark.django_db
def test_the_link_sets_the_password_once_and_is_recorded(client, invited):
    (message,) = mail.outbox
    assert message.to == [invited.email] and "works once, for 14 days" in message.body
    link = link_in(message)

    page, done = choose_password(client, link)

    assert "Your username is <strong>ann.smith@example.org</strong>" in page.content.decode()
    assert done.status_code == 302 and done.url == reverse("invitation-done")
    invited.refresh_from_db()
    assert invited.check_password(PASSWORD)
    kinds = list(
        AuditEvent.objects.filter(kind="invitation")
        .order_by("pk")
        .values_list("description", flat=True)
    )
    assert kinds == ["Invitation sent to ann.smith@example.org.", "Invitation used: password set."]
    again = client.get(link, follow=True)
    assert "This invitation has been used or has expired" in again.content.decode()
    signed_in = client.post(reverse("login"), {"username": invited.username, "password": PASSWORD})
    assert signed_in.status_code == 302 and signed_in.url == "/"


@pytest.mark.django_db
def test_the_link_expires(client, invited, monkeypatch, settings):
    link = link_in(mail.outbox[0])
    later = datetime.datetime.now() + datetime.timedelta(days=settings.INVITATION_DAYS, hours=1)
    monkeypatch.setattr(invitations.tokens, "_now", lambda: later)

    page = client.get(link, follow=True)

    assert "This invitation has been used or has expired" in page.content.decode()
    invited.refresh_from_db()
    assert not invited.has_usable_password()


@pytest.mark.django_db
def test_a_password_reset_link_is_not_an_invitation(client, invited):
    link = link_in(mail.outbox[0])
    uid, token = link.strip("/").split("/")[-2:]
    forged = reverse("password_reset_confirm", args=[uid, token])

    page = client.get(forged, follow=True)

    assert "This link has been used or has expired" in page.content.decode()


@pytest.mark.django_db
def test_with_single_sign_on_the_email_says_how_to_sign_in(
    client, tmp_path, settings, django_capture_on_commit_callbacks
):
    settings.OIDC_ISSUER = "https://login.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        run("import_people", tmp_path, [HEADER, ["ann.smith@example.org", "Ann Smith"]])

    (message,) = mail.outbox
    assert "Sign in with your organisation's account" in message.body
    assert "/accounts/invitation/" not in message.body
    person = User.objects.get(email="ann.smith@example.org")
    link = invitations.link(person).split("testserver")[-1].split("example.org")[-1]
    page = client.get(link.replace("http://127.0.0.1:8000", ""))
    assert "there is no password to choose" in page.content.decode()
    assert AuditEvent.objects.get(kind="invitation").description.endswith("(single sign-on).")


@pytest.mark.django_db
def test_nobody_who_chose_a_password_meanwhile_is_invited(invited):
    invited.set_password(PASSWORD)
    invited.save()
    mail.outbox.clear()

    invitations.send_invitations([invited.pk])

    assert mail.outbox == []


@pytest.mark.django_db
def test_forgotten_password_invites_again_whoever_never_chose_one(client, invited, olive):
    """An invitation lapsed or lost: Django's reset skips an account without a password, so
    the sign-in page's "Forgotten your password?" sends a fresh invitation instead."""
    mail.outbox.clear()
    client.post(reverse("password_reset"), {"email": "ANN.SMITH@example.org"})

    (message,) = mail.outbox
    assert message.to == [invited.email] and "/accounts/invitation/" in message.body
    page, done = choose_password(client, link_in(message))
    invited.refresh_from_db()
    assert invited.check_password(PASSWORD)
    # Someone who has signed in before is not invited again (their reset is Django's own).
    mail.outbox.clear()
    olive.set_unusable_password()
    olive.last_login = datetime.datetime(2026, 1, 5, tzinfo=datetime.UTC)
    olive.save()
    client.post(reverse("password_reset"), {"email": olive.email})
    assert mail.outbox == []

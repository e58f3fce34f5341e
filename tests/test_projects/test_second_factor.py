"""A second factor for password sign-ins (issue 18): people MFA_REQUIRED_FOR names set an
authenticator app up before their first session; anyone with one types its code after their
password; recovery codes work once each. Codes are computed from the shared secret the set-up
page shows (tests/totp.py), as a phone would."""

import datetime
import io
import re

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from projects import access
from projects.models import AuditEvent
from tests import totp
from tests.factories import UserFactory

PASSWORD = "correct horse battery staple"


@pytest.fixture
def make_user(db):
    return lambda username, **fields: UserFactory(username=username, **fields)


@pytest.fixture
def pmo_person(alice):
    alice.groups.add(Group.objects.get_or_create(name=access.PMO)[0])
    return alice


def password_step(client, username="alice", password=PASSWORD, next_url=None):
    url = reverse("login") + (f"?next={next_url}" if next_url else "")
    return client.post(url, {"username": username, "password": password})


def set_up_app(client):
    """On the set-up page: reads the key, types the app's code; the secret and the page."""
    page = client.get(reverse("second-factor-set-up")).text
    secret = re.search(r'data-testid="totp-key">([A-Z2-7 ]+)<', page).group(1)
    done = client.post(reverse("second-factor-set-up"),
                       {"code": totp.code(secret), "password": PASSWORD})  # fmt: skip
    return secret, done


def signed_in_user(client):
    return client.get(reverse("account")).wsgi_request.user


def with_app(client, username="alice"):
    """Signed in once and set up: the person's secret, and signed out again."""
    assert password_step(client, username)["Location"] == reverse("second-factor-set-up")
    secret, _ = set_up_app(client)
    client.post(reverse("logout"))
    return secret


def test_the_pmo_sets_an_app_up_before_their_first_session(pmo_person):
    client = Client()
    response = password_step(client, next_url="/projects/")
    assert response["Location"] == reverse("second-factor-set-up")
    assert not signed_in_user(client).is_authenticated, "a password alone signed them in"
    page = client.get(reverse("second-factor-set-up")).text
    assert "Your role in Highlight needs a second factor" in page and "<svg" in page
    wrong = client.post(reverse("second-factor-set-up"), {"code": "000000"})
    assert "That code is not right" in wrong.text
    assert not Authenticator.objects.exists()
    secret, done = set_up_app(client)
    codes = re.findall(r'<li class="col py-1">(\d{8})</li>', done.text)
    assert len(set(codes)) == 10, "ten recovery codes, shown once"
    assert 'href="/projects/"' in done.text  # on to where they were going
    assert signed_in_user(client) == pmo_person
    events = AuditEvent.objects.filter(actor=pmo_person).order_by("pk")
    assert [(e.kind, e.description) for e in events] == [
        ("second_factor", "Set up an authenticator app, with 10 recovery codes."),
        ("sign_in", "By password and an authenticator app."),
    ]
    assert secret.replace(" ", "") not in str(list(AuditEvent.objects.values()))


def test_a_person_with_an_app_types_its_code_after_the_password(pmo_person):
    secret = with_app(Client())
    client = Client()
    assert password_step(client)["Location"] == reverse("second-factor")
    assert not signed_in_user(client).is_authenticated
    wrong = client.post(reverse("second-factor"), {"code": "123456"})
    assert "That code is not right, or was used already." in wrong.text
    assert not signed_in_user(client).is_authenticated
    failed = AuditEvent.objects.get(kind="sign_in_failed")
    assert (failed.object_repr, failed.description) == (
        "account alice", "Second factor: a wrong code, or one used already.")  # fmt: skip
    response = client.post(reverse("second-factor"), {"code": totp.code(secret, step=1)})
    assert response["Location"] == "/"
    assert signed_in_user(client) == pmo_person
    # The same code, from another browser with the password: refused (each works once).
    other = Client()
    password_step(other)
    assert "That code is not right" in other.post(
        reverse("second-factor"), {"code": totp.code(secret, step=1)}).text  # fmt: skip


def test_a_recovery_code_works_once(pmo_person):
    client = Client()
    password_step(client)
    _, done = set_up_app(client)
    first = re.findall(r'<li class="col py-1">(\d{8})</li>', done.text)[0]
    client.post(reverse("logout"))
    password_step(client)
    response = client.post(reverse("second-factor"), {"code": first}, follow=True)
    assert "You signed in with a recovery code: 9 left." in response.text
    assert AuditEvent.objects.filter(
        kind="sign_in", description="By password and a recovery code.").exists()  # fmt: skip
    client.post(reverse("logout"))
    password_step(client)
    again = client.post(reverse("second-factor"), {"code": first})
    assert "That code is not right" in again.text


def test_five_wrong_codes_and_the_password_must_be_typed_again(pmo_person):
    with_app(Client())
    client = Client()
    password_step(client)
    for _ in range(4):
        assert client.post(reverse("second-factor"), {"code": "000000"}).status_code == 200
    response = client.post(reverse("second-factor"), {"code": "000000"}, follow=True)
    assert "Too many wrong codes: sign in again." in response.text
    assert client.get(reverse("second-factor"))["Location"] == reverse("login")


def test_wrong_codes_lock_the_account_as_wrong_passwords_do(pmo_person, settings):
    settings.AXES_FAILURE_LIMIT = 3
    secret = with_app(Client())
    client = Client()
    password_step(client)
    for _ in range(3):
        client.post(reverse("second-factor"), {"code": "000000"})
    locked = Client()
    response = password_step(locked)
    assert response.status_code == 429 and "Sign-in paused for this account" in response.text
    assert "/accounts/second-factor" not in response.get("Location", "")
    assert not signed_in_user(locked).is_authenticated
    # Held before the lockout, the code is refused too.
    assert client.get(reverse("second-factor"))["Location"] == reverse("login")
    del secret


def test_the_code_must_follow_the_password_within_five_minutes(pmo_person):
    secret = with_app(Client())
    start = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
    client = Client()
    with time_machine.travel(start, tick=False):
        password_step(client)
    later = start + datetime.timedelta(minutes=6)
    with time_machine.travel(later, tick=False):
        response = client.post(reverse("second-factor"),
                               {"code": totp.code(secret, at=later.timestamp())})  # fmt: skip
    assert response["Location"] == reverse("login")
    assert not signed_in_user(client).is_authenticated


def test_a_password_changed_meanwhile_ends_the_wait(pmo_person):
    secret = with_app(Client())
    client = Client()
    password_step(client)
    pmo_person.set_password("another long passphrase")
    pmo_person.save()
    response = client.post(reverse("second-factor"), {"code": totp.code(secret)})
    assert response["Location"] == reverse("login")
    assert not signed_in_user(client).is_authenticated


def test_someone_not_required_signs_in_with_the_password_alone(alice):
    client = Client()
    assert password_step(client)["Location"] == "/"
    page = client.get(reverse("account")).text
    assert "Add a code from an authenticator app to your password sign-in" in page
    _, done = set_up_app(client)
    assert "Your recovery codes" in done.text
    client.post(reverse("logout"))
    assert password_step(client)["Location"] == reverse("second-factor"), "now it is asked"


@pytest.mark.parametrize("required_for, asked", [
    ("staff,pmo", {"boss", "staffer", "alice"}),
    ("superusers", {"boss"}),
    ("directors", {"dee"}),
    ("everyone", {"boss", "staffer", "alice", "dee", "bob"}),
    ("", set()),
])  # fmt: skip
def test_who_must_have_an_app(pmo_person, make_user, settings, required_for, asked):
    from projects import second_factor

    settings.MFA_REQUIRED_FOR = [g for g in required_for.split(",") if g]
    people = {
        "boss": make_user("boss", is_superuser=True, is_staff=True),
        "staffer": make_user("staffer", is_staff=True),
        "alice": pmo_person,
        "dee": make_user("dee"),
        "bob": make_user("bob"),
    }
    people["dee"].groups.add(Group.objects.get_or_create(name=access.DIRECTORS)[0])
    assert {name for name, p in people.items() if second_factor.required(p)} == asked


def test_a_person_held_with_an_app_cannot_set_up_another(pmo_person):
    with_app(Client())
    client = Client()
    password_step(client)
    assert client.get(reverse("second-factor-set-up"))["Location"] == reverse("second-factor")
    response = client.post(reverse("second-factor-set-up"), {"code": "000000"})
    assert response["Location"] == reverse("second-factor")
    assert Authenticator.objects.filter(type="totp").count() == 1
    assert not signed_in_user(client).is_authenticated


def test_recovery_codes_are_shown_and_made_anew_on_a_current_code(pmo_person):
    client = Client()
    password_step(client)
    secret, done = set_up_app(client)
    old = re.findall(r'<li class="col py-1">(\d{8})</li>', done.text)
    asked = client.get(reverse("recovery-codes")).text
    assert "You have 10 unused recovery codes" in asked and old[0] not in asked
    refused = client.post(reverse("recovery-codes"), {"code": "000000", "action": "show"})
    assert old[0] not in refused.text and "not the code your app shows now" in refused.text
    shown = client.post(reverse("recovery-codes"),
                        {"code": totp.code(secret, step=1), "action": "show"})  # fmt: skip
    assert re.findall(r'<li class="col py-1">(\d{8})</li>', shown.text) == old
    with totp.later(2):  # a code works once: the next one
        made = client.post(reverse("recovery-codes"),
                           {"code": totp.code(secret), "action": "new"})  # fmt: skip
    new = re.findall(r'<li class="col py-1">(\d{8})</li>', made.text)
    assert len(new) == 10 and not set(new) & set(old)
    made_new = AuditEvent.objects.filter(kind="second_factor", description__startswith="Made new")
    assert made_new.exists()
    client.post(reverse("logout"))
    password_step(client)
    assert "That code is not right" in client.post(reverse("second-factor"), {"code": old[1]}).text
    assert client.post(reverse("second-factor"), {"code": new[1]})["Location"] == "/"


def test_a_superuser_resets_a_lost_second_factor_and_the_audit_says_so(pmo_person, make_user):
    with_app(Client())
    boss = make_user("boss", is_superuser=True, is_staff=True)
    staffer = make_user("staffer", is_staff=True)
    staffer.user_permissions.add(
        *Permission.objects.filter(codename__in=["change_user", "view_user"])
    )
    changelist = reverse("admin:projects_user_changelist")
    action = {"action": "reset_second_factor", "_selected_action": [pmo_person.pk]}
    by_staff = Client()
    by_staff.force_login(staffer)
    assert "reset_second_factor" not in by_staff.get(changelist).text
    by_staff.post(changelist, action)
    assert Authenticator.objects.filter(user=pmo_person).exists(), "staff reset it"
    by_boss = Client()
    by_boss.force_login(boss)
    by_boss.post(changelist, action)
    assert not Authenticator.objects.filter(user=pmo_person).exists()
    event = AuditEvent.objects.get(kind="second_factor", actor=boss)
    assert event.object_repr == str(pmo_person)
    assert event.description == "Reset alice's second factor (2 authenticators removed)."
    assert password_step(Client())["Location"] == reverse("second-factor-set-up")


def test_the_set_up_page_shows_only_a_key_made_for_this_person(pmo_person, make_user):
    client = Client()
    password_step(client)
    session = client.session
    session["second_factor_new_secret"] = {"user": make_user("mallory").pk,
                                           "secret": "MALLORYSKEYMALLORYSKEY23"}  # fmt: skip
    session.save()
    page = client.get(reverse("second-factor-set-up")).text
    assert "MALL ORYS" not in page and 'data-testid="totp-key">' in page


def test_a_session_left_open_cannot_put_an_app_on_the_account(alice):
    client = Client()
    assert password_step(client)["Location"] == "/"
    page = client.get(reverse("second-factor-set-up")).text
    secret = re.search(r'data-testid="totp-key">([A-Z2-7 ]+)<', page).group(1)
    refused = client.post(reverse("second-factor-set-up"),
                          {"code": totp.code(secret), "password": "a guess"})  # fmt: skip
    assert "That is not your password." in refused.text
    assert not Authenticator.objects.exists()
    failed = AuditEvent.objects.get(kind="sign_in_failed")
    assert failed.object_repr == "account alice"  # counted towards the lockout, as at sign-in


def test_a_changed_secret_key_still_reads_the_apps_set_up_under_the_old_one(pmo_person, settings):
    secret = with_app(Client())
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-key-" + "y" * 50
    client = Client()
    password_step(client)
    response = client.post(reverse("second-factor"), {"code": totp.code(secret, step=1)})
    assert response["Location"] == "/"


def test_after_a_key_change_the_command_moves_every_secret_to_the_new_key(
    pmo_person, make_user, settings
):
    from django.core.management import CommandError, call_command

    secret = with_app(Client())
    old = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-key-" + "y" * 50, [old]
    call_command("reencrypt_second_factors", stdout=io.StringIO())
    settings.SECRET_KEY_FALLBACKS = []  # the old key gone
    client = Client()
    password_step(client)
    assert client.post(reverse("second-factor"),
                       {"code": totp.code(secret, step=1)})["Location"] == "/"  # fmt: skip
    settings.SECRET_KEY = "yet-another-" + "z" * 50  # and nobody kept this one
    with pytest.raises(CommandError, match="No key reads the second factor of: alice"):
        call_command("reencrypt_second_factors", stdout=io.StringIO())

"""Issue 17, finding 9(b): `aaaaaaaaaaaa` and `abcdefghijkl` were accepted as passwords (they
pass Django's common-password list and the length rule). A password made mostly of
repeated, sequential or keyboard-row characters is now refused, with a plain message;
ordinary passphrases, the demo password and the ones the tests use still pass."""

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.test_config.test_hardening import RIGHT

REFUSAL = "This password is mostly repeated or sequential characters"

GUESSED_FIRST = [
    "aaaaaaaaaaaa",
    "abcdefghijkl",
    "123456789012",
    "qwertyuiopas",  # along the keyboard's top row
    "ZYXWVUTSRQPO",  # backwards, in capitals
    "lkjhgfdsalkj",
    "aaaabbbbcccc",
    "abababababab",
    "abcd1234abcd",
    "aaaaaa-river",  # half of it: the least that is refused
]

ORDINARY = [
    RIGHT,  # the tests' people
    "highlight-demo",  # the demo's default DEMO_PASSWORD
    "taken-over-123!",  # the access matrix's attempt at a reset
    "my flat 1234 is on the left",  # a short run inside a passphrase
    "banana bread for tea",
    "Tr0ub4dor&3xyz",
]


@pytest.mark.parametrize("password", GUESSED_FIRST)
def test_a_password_of_runs_is_refused_when_changing_it(client_for, alice, password):
    client = client_for(alice)
    page = client.post(
        reverse("password_change"),
        {"old_password": RIGHT, "new_password1": password, "new_password2": password},
    )
    assert page.status_code == 200
    assert REFUSAL in page.content.decode()
    alice.refresh_from_db()
    assert alice.check_password(RIGHT)


@pytest.mark.parametrize("password", [*ORDINARY, settings.DEMO_PASSWORD])
def test_ordinary_passphrases_pass_every_rule(password):
    validate_password(password)  # raises ValidationError when any rule refuses it


def test_an_ordinary_passphrase_is_taken_through_the_page(client_for, alice):
    new = "lighthouse keepers eat porridge"
    page = client_for(alice).post(
        reverse("password_change"),
        {"old_password": RIGHT, "new_password1": new, "new_password2": new},
    )
    assert page.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password(new)


def test_the_rule_is_listed_with_the_others(client_for, alice):
    page = client_for(alice).get(reverse("password_change")).content.decode()
    assert "mostly repeated or sequential characters" in page
    with pytest.raises(ValidationError) as refused:
        validate_password("abcdefghijkl")
    assert [e.code for e in refused.value.error_list] == ["password_sequential"]

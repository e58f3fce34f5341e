"""The sign-in settings (config/signin.py) as an installation sets them: mistakes that would
leave nobody able to sign in, or nobody asked for a second factor by a typo, are refused
when Highlight starts."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from tests.test_config.test_production_settings import PRODUCTION, read_settings


def test_by_default_staff_and_the_pmo_need_an_app_and_passwords_are_taken(monkeypatch):
    read = read_settings(monkeypatch, **PRODUCTION)
    assert read["MFA_REQUIRED_FOR"] == ["staff", "pmo"]
    assert read["PASSWORD_SIGN_IN"] is True
    assert read["SSO_SESSION_HOURS"] == 4 and read["SESSION_COOKIE_AGE"] == 10 * 3600


def test_an_unknown_group_needing_an_app_is_refused(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="MFA_REQUIRED_FOR: pmo_team is not one of"):
        read_settings(monkeypatch, **PRODUCTION, MFA_REQUIRED_FOR="staff,pmo_team")


def test_passwords_off_without_single_sign_on_is_refused(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="PASSWORD_SIGN_IN=0 needs single sign-on"):
        read_settings(monkeypatch, **PRODUCTION, PASSWORD_SIGN_IN="0")
    read = read_settings(monkeypatch, **PRODUCTION, PASSWORD_SIGN_IN="0",
                         OIDC_ISSUER="https://login.example.org/tenant/v2.0")  # fmt: skip
    assert read["PASSWORD_SIGN_IN"] is False


def test_an_sso_session_of_no_hours_is_refused(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="must be at least 1"):
        read_settings(monkeypatch, **PRODUCTION, SSO_SESSION_HOURS="0")

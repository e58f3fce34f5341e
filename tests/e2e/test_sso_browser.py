"""Single sign-on in a real browser (issue 18): the sign-in page's button, the provider's own
login and consent pages (tests/idp), and back to Highlight signed in; a stranger is refused
with a page. Screenshots go to tests/e2e/artifacts/."""

import pytest
from playwright.sync_api import expect

from config.signin import origin, providers
from projects.models import User
from tests import totp
from tests.idp import CLIENT_ID, CLIENT_SECRET, running_provider

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
ACCOUNTS = {
    "liz-at-council": {"email": "liz.sanderson@example.org", "email_verified": True,
                       "name": "Liz Sanderson"},
    "stranger": {"email": "stranger@example.org", "email_verified": True, "name": "A Stranger"},
    "sam-at-council": {"email": "pmo@example.org", "name": "Sam Patel"},
}  # fmt: skip


@pytest.fixture
def council(demo, settings, tmp_path):
    callback = f"{demo.url}/accounts/oidc/sso/login/callback/"
    with running_provider(tmp_path, ACCOUNTS, [callback]) as issuer:
        settings.OIDC_ISSUER = issuer
        settings.OIDC_TRUST_EMAIL = True
        settings.OIDC_BUTTON_LABEL = "Sign in with Example Council"
        settings.SOCIALACCOUNT_PROVIDERS = providers(issuer, CLIENT_ID, CLIENT_SECRET, "Council")
        policy = settings.CONTENT_SECURITY_POLICY["DIRECTIVES"]
        settings.CONTENT_SECURITY_POLICY = {
            "DIRECTIVES": {**policy, "form-action": ["'self'", *origin(issuer)]}
        }
        yield demo


def through_the_council(page, server, login, shots, prefix):
    page.goto(f"{server.url}/accounts/login/")
    shots(page, f"{prefix}1-sign-in-page")
    page.get_by_role("button", name="Sign in with Example Council").click()
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("the council's own password")
    shots(page, f"{prefix}2-the-councils-page")
    page.locator("button[type=submit]").click()
    page.locator("button[type=submit]").click()  # the provider's consent page


def test_a_person_signs_in_through_the_council(council, page, shots, console_errors):
    through_the_council(page, council, "liz-at-council", shots, "a")
    expect(page.get_by_role("heading", name="My actions")).to_be_visible()
    expect(page.get_by_role("link", name="Liz Sanderson")).to_be_visible()
    shots(page, "a3-signed-in")
    # (The provider's development pages ask for fonts on the internet: not Highlight's.)
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors


def test_a_stranger_is_told_why_not(council, page, shots):
    through_the_council(page, council, "stranger", shots, "b")
    expect(page.get_by_role("heading", name="You are not signed in")).to_be_visible()
    expect(page.get_by_text("Highlight has no account for you yet")).to_be_visible()
    shots(page, "b3-refused")


def test_with_passwords_off_a_superuser_comes_in_by_break_glass(
    council, settings, page, shots, console_errors
):
    settings.PASSWORD_SIGN_IN = False
    through_the_council(page, council, "stranger", shots, "c")  # c1: the button alone
    expect(page.get_by_role("heading", name="You are not signed in")).to_be_visible()
    User.objects.create_superuser("boss", "boss@example.org", "a long break-glass passphrase")
    page.goto(f"{council.url}/accounts/login/break-glass/")
    page.get_by_label("Username").fill("boss")
    page.get_by_label("Password").fill("a long break-glass passphrase")
    shots(page, "c3-break-glass")
    page.get_by_role("button", name="Sign in").click()
    secret = page.get_by_test_id("totp-key").inner_text()  # a superuser needs an app
    page.get_by_label("Code").fill(totp.code(secret))
    page.get_by_role("button", name="Set up").click()
    page.get_by_role("link", name="I have saved them: continue").click()
    expect(page.get_by_role("heading", name="My actions")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    page.context.clear_cookies()  # the provider would remember the stranger
    through_the_council(page, council, "sam-at-council", shots, "d")
    page.goto(f"{council.url}/audit/")
    for text in ("By single sign-on.", "By password (break-glass) and an authenticator app.",
                 "By single sign-on: no account matches the provider's person."):  # fmt: skip
        expect(page.get_by_text(text).first).to_be_visible()
    shots(page, "d3-audit")
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors

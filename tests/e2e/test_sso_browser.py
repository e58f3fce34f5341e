"""Single sign-on in a real browser (issue 18): the sign-in page's button, the provider's own
login and consent pages (tests/idp), and back to Highlight signed in; a stranger is refused
with a page. Screenshots go to tests/e2e/artifacts/."""

import pytest
from playwright.sync_api import expect

from config.signin import origin, providers
from tests.idp import CLIENT_ID, CLIENT_SECRET, running_provider

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
ACCOUNTS = {
    "liz-at-council": {"email": "liz.sanderson@example.org", "email_verified": True,
                       "name": "Liz Sanderson"},
    "stranger": {"email": "stranger@example.org", "email_verified": True, "name": "A Stranger"},
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

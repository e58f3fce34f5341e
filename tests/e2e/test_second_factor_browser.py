"""A second factor in a real browser (issue 18): the PMO's first sign-in sets an
authenticator app up (the code computed from the key the page shows, as a phone would),
shows the recovery codes once, and the next sign-in asks for the app's code. Screenshots go
to tests/e2e/artifacts/."""

import pytest
from playwright.sync_api import expect

from tests import totp
from tests.e2e.conftest import PASSWORD

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def password_step(page, server):
    page.goto(f"{server.url}/accounts/login/?next=/projects/")
    page.get_by_label("Username").fill("pmo")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def test_the_pmo_sets_an_app_up_then_signs_in_with_its_code(demo, page, shots, console_errors):
    password_step(page, demo)
    expect(page.get_by_role("heading", name="Set up an authenticator app")).to_be_visible()
    expect(page.locator(".totp-qr svg")).to_be_visible()
    shots(page, "1-set-up")
    secret = page.get_by_test_id("totp-key").inner_text()
    page.get_by_label("Code").fill(totp.code(secret))
    page.get_by_role("button", name="Set up").click()
    expect(page.get_by_role("heading", name="Your recovery codes")).to_be_visible()
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    shots(page, "2-recovery-codes")
    page.get_by_role("link", name="I have saved them: continue").click()
    expect(page.get_by_role("heading", name="Projects and programmes")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    password_step(page, demo)
    expect(page.get_by_role("heading", name="Your code")).to_be_visible()
    page.get_by_label("Code").fill("000000")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("That code is not right, or was used already.")).to_be_visible()
    shots(page, "3-wrong-code")
    page.get_by_label("Code").fill(totp.code(secret, step=1))
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Projects and programmes")).to_be_visible()
    page.goto(f"{demo.url}/accounts/me/")
    expect(page.get_by_text("10 recovery codes left")).to_be_visible()
    shots(page, "4-account")
    page.goto(f"{demo.url}/audit/")
    expect(page.get_by_text("By password and an authenticator app.").first).to_be_visible()
    expect(page.get_by_text("Second factor: a wrong code, or one used already.")).to_be_visible()
    shots(page, "5-audit")
    assert not console_errors, console_errors

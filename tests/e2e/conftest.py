"""Browser tests: Playwright driving Debian's Chromium against a live Highlight.

Chromium comes from Debian (`apt-get install chromium`; `.ci/run` installs it), never from
`playwright install`. People sign in through the real form. Screenshots of each step go to
tests/e2e/artifacts/ (ignored by git) for a person to look at.
"""

import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections
from playwright.sync_api import expect

from tests import totp
from tests.conftest import need

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).parent / "artifacts"
PASSWORD = os.environ.get("DEMO_PASSWORD", "highlight-demo")
DESKTOP = {"width": 1366, "height": 900}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    need(Path(CHROMIUM).exists(), f"Chromium at {CHROMIUM} (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "headless": True,
        "args": [
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run",
        ],
    }  # fmt: skip


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": DESKTOP, "locale": "en-GB"}


@pytest.fixture(scope="session", autouse=True)
def async_unsafe_allowed():
    # Playwright's sync API keeps an event loop in this thread from the first browser test
    # to the end of the session, and Django would refuse the test's own database calls
    # (fixtures, flushes) while it runs. Browser tests are run last (tests/conftest.py).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.fixture(scope="session", autouse=True)
def migrated_data(django_db_setup):
    """What the migrations put in the test database (groups, RAG scale, risk matrices), as
    pytest-django serialised it. Read before Playwright starts: its greenlets see fresh
    database connection objects, without it, so serialized rollback cannot restore it."""
    return connections[DEFAULT_DB_ALIAS]._test_serialized_contents


@pytest.fixture
def demo(migrated_data, transactional_db, live_server, media_root):
    """The demo data on a database as the migrations leave it, served by a live server."""
    connection = connections[DEFAULT_DB_ALIAS]
    # What serialized rollback would do: put the migrations' data back, and have the flush
    # after the test leave the database empty for the next one to fill the same way.
    connection._test_serialized_contents = migrated_data
    connection.creation.deserialize_db_from_string(migrated_data)
    call_command("seed_demo", allow_live=True, samples_only=True, verbosity=0)
    return live_server


@pytest.fixture
def shots(request):
    """shots("03-sponsor-returns") saves a full-page screenshot of the page as it is now."""
    folder = ARTIFACTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)

    def take(page, name):
        page.screenshot(path=folder / f"{name}.png", full_page=True)

    return take


@pytest.fixture
def console_errors(page):
    """Errors the browser reports: a script that failed or a Content-Security-Policy refusal."""
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return errors


# Authenticator apps set up in this test run, by username (the PMO and staff must have one).
APPS = {}


def sign_in(page, server, username, password=PASSWORD):
    page.goto(f"{server.url}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if page.url.endswith("/accounts/second-factor/set-up/"):
        APPS[username] = page.get_by_test_id("totp-key").inner_text()
        page.get_by_label("Code").fill(totp.code(APPS[username]))
        page.get_by_role("button", name="Set up").click()
        page.get_by_role("link", name="I have saved them: continue").click()
    for step in (0, 1):  # a code works once: signed in twice in 30 s, the next one
        if page.url.endswith("/accounts/second-factor/"):
            page.get_by_label("Code").fill(totp.code(APPS[username], step=step))
            page.get_by_role("button", name="Sign in").click()
            page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"{username} could not sign in"
    assert "/accounts/second-factor/" not in page.url, f"{username}: no second factor"


def sign_out(page):
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", name="Sign in to Highlight")).to_be_visible()

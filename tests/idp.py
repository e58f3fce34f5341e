"""A real OpenID Connect provider for the single sign-on tests (issue 18): npm's
oidc-provider, OpenID Certified, run by Node from tests/idp/ on a free port of this machine,
with a client for Highlight and accounts of the test's choosing. `sign_in_at_provider` goes
through its own login and consent pages, as a person's browser would."""

import contextlib
import json
import re
import shutil
import socket
import subprocess
import time
import warnings
from html import unescape
from pathlib import Path
from urllib.parse import urljoin

import requests

from tests.conftest import need

FOLDER = Path(__file__).parent / "idp"
CLIENT_ID = "highlight"
CLIENT_SECRET = "test-secret-not-a-real-one"  # noqa: S105 (the test provider's only)
STARTUP_SECONDS = 60


def free_port():
    """A port nothing listens on, for a test of the provider being down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start(node, config, log_path):
    """Starts the provider; returns the process and its issuer once discovery answers, or
    raises with what the provider printed."""
    log = log_path.open("w")
    process = subprocess.Popen([node, str(FOLDER / "provider.js"), str(config)], cwd=FOLDER,
                               stdout=log, stderr=subprocess.STDOUT)  # fmt: skip
    log.close()
    # A deadline, not a count of tries: on a busy 2-core CI machine Node alone can take
    # more than ten seconds to load oidc-provider.
    deadline = time.monotonic() + STARTUP_SECONDS
    while process.poll() is None and time.monotonic() < deadline:
        said = re.search(r"^listening (http://\S+)$", log_path.read_text(), re.MULTILINE)
        if said:
            with contextlib.suppress(requests.RequestException):
                discovery = f"{said.group(1)}/.well-known/openid-configuration"
                if requests.get(discovery, timeout=2).ok:
                    return process, said.group(1)
        time.sleep(0.1)
    alive = process.poll() is None
    _stop(process)
    what = f"did not answer in {STARTUP_SECONDS} s" if alive else "stopped"
    printed = log_path.read_text()[-2000:]
    raise ProviderDidNotStart(f"the test OpenID provider {what}; it printed:\n{printed}")


def _stop(process):
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class ProviderDidNotStart(AssertionError):
    pass


@contextlib.contextmanager
def running_provider(tmp_path, accounts, redirect_uris, **options):
    """Yields the provider's issuer URL while it runs; `options` as tests/idp/provider.js
    reads them (idTokenSeconds, publishOtherKey)."""
    node = shutil.which("node")
    need(node is not None, "Node.js (the test OpenID provider runs on it)")
    need((FOLDER / "node_modules" / "oidc-provider").is_dir(),
         "tests/idp/node_modules (scripts/test-deps runs npm ci there)")  # fmt: skip
    config = tmp_path / "idp.json"
    config.write_text(json.dumps({
        "clients": [{
            "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
            "redirect_uris": redirect_uris, "grant_types": ["authorization_code"],
            "response_types": ["code"], "token_endpoint_auth_method": "client_secret_basic",
        }],
        "accounts": accounts,
        **options,
    }))  # fmt: skip
    try:
        process, issuer = _start(node, config, tmp_path / "idp.log")
    except ProviderDidNotStart as first:
        # Once in some thousand starts on a loaded CI machine the provider has not answered
        # in a minute; a second start says whether that was the machine or the provider.
        warnings.warn(f"{first}; starting it again", stacklevel=1)
        process, issuer = _start(node, config, tmp_path / "idp-again.log")
    try:
        yield issuer
    finally:
        _stop(process)


def _form(page, base):
    """The first form of a provider page: its absolute action and its fields."""
    action = re.search(r'<form[^>]*action="([^"]+)"', page)
    assert action, page[:2000]
    fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', page))
    return urljoin(base, unescape(action.group(1))), fields


def sign_in_at_provider(session, authorize_url, login, stop_at):
    """Follow the provider's redirects, sign in as `login` on its login page and agree on its
    consent page; returns the URL it sends the browser back to (starting with `stop_at`)."""
    url = authorize_url
    for _ in range(10):
        response = session.get(url, allow_redirects=False, timeout=10)
        location = response.headers.get("Location")
        if location:
            url = urljoin(url, location)
            if url.startswith(stop_at):
                return url
            continue
        action, fields = _form(response.text, url)
        if 'name="login"' in response.text:
            fields |= {"login": login, "password": "any"}
        response = session.post(action, data=fields, allow_redirects=False, timeout=10)
        url = urljoin(action, response.headers["Location"])
        if url.startswith(stop_at):
            return url
    raise AssertionError(f"the provider never sent the browser back to {stop_at}")


# Highlight as the test client sees it, and its single sign-on callback.
SERVER = "http://testserver"
CALLBACK = f"{SERVER}/accounts/oidc/sso/login/callback/"


def start_sign_in(client):
    """The sign-in page's button pressed: the provider's address Highlight sends the
    browser to."""
    from django.urls import reverse

    response = client.post(reverse("openid_connect_login", kwargs={"provider_id": "sso"}),
                           {"process": "login"})  # fmt: skip
    assert response.status_code == 302, response.text[:1000]
    return response["Location"]


def through_the_provider(client, login):
    """A whole single sign-on as `login` at the provider: Highlight's answer at the callback."""
    back = sign_in_at_provider(requests.Session(), start_sign_in(client), login, CALLBACK)
    return client.get(back.removeprefix(SERVER))

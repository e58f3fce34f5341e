"""HTTPS in the production shape (issue 19): nginx's real binary, with the configuration
docker-compose.yml gives it (deploy/nginx/highlight.conf.template), in front of gunicorn
serving Highlight, on local ports. A body over the limit gets 413 before Highlight reads
it, plain HTTP is sent to HTTPS, cookies come back Secure, a forged X-Forwarded-Proto or
X-Forwarded-For from a client is replaced, and hashed static files are cached for a year."""

import datetime
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from projects.models import AuditEvent
from tests.conftest import need
from tests.factories import UserFactory
from tests.settings import TEST_ENVIRONMENT
from tests.workers import free_port

ROOT = Path(settings.BASE_DIR)
TEMPLATE = ROOT / "deploy" / "nginx" / "highlight.conf.template"
PASSWORD = "correct horse battery staple"


def self_signed(folder):
    """A certificate for 127.0.0.1 and its key, as a council's own CA would issue one."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    import ipaddress

    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(
            ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    (folder / "fullchain.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (folder / "privkey.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))  # fmt: skip
    return folder / "fullchain.pem"


def rendered(template, values):
    """The template as nginx's image fills it in: ${NAME} for the names it is given."""
    text = template.read_text()
    for name, value in values.items():
        text = text.replace("${" + name + "}", str(value))
    assert not re.search(r"\$\{[A-Z_]+\}", text), "a ${…} the compose file does not set"
    return text


def wait_until_up(url, process, seconds=30, **kwargs):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} stopped: {process.stderr.read()}")
        try:
            return requests.get(url, timeout=10, allow_redirects=False, **kwargs)
        except (requests.ConnectionError, requests.Timeout):
            time.sleep(0.1)
    raise RuntimeError(f"nothing answered at {url}")


@pytest.fixture
def site(transactional_db, django_db_serialized_rollback, tmp_path):
    nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    need(nginx, "nginx (Debian's package, installed by scripts/test-deps)")
    need(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL), shared with gunicorn")
    ports = {"app": free_port(), "http": free_port(), "https": free_port()}
    database = connection.settings_dict
    # Production's settings: none of the test run's own (tests/settings.py).
    environment = {
        **{k: v for k, v in os.environ.items() if k not in TEST_ENVIRONMENT},
        "DJANGO_SETTINGS_MODULE": "config.settings", "DEBUG": "0",
        "SECRET_KEY": "proxy-test-" + "x" * 50, "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"postgres://{database['USER']}@{database['HOST']}:{database['PORT']}"
                        f"/{database['NAME']}",
        "BEHIND_TLS_PROXY": "1", "PROXY_COUNT": "1", "STATICFILES_MANIFEST": "0",
        "CACHE_URL": "locmemcache://", "CELERY_TASK_ALWAYS_EAGER": "1", "MFA_REQUIRED_FOR": "",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }  # fmt: skip
    app = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{ports['app']}",
         "--workers", "1"], cwd=ROOT, env=environment, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True)  # fmt: skip
    static = tmp_path / "static"
    static.mkdir()
    (static / "highlight.0123456789ab.css").write_text("body { margin: 0 }")
    (static / "robots.txt").write_text("User-agent: *")
    certificate = self_signed(tmp_path)
    server = rendered(TEMPLATE, {
        "HIGHLIGHT_DOMAIN": "127.0.0.1", "HIGHLIGHT_UPSTREAM": f"127.0.0.1:{ports['app']}",
        "HTTP_PORT": ports["http"], "HTTPS_PORT": ports["https"], "MAX_BODY": "1m",
        "TLS_CERTIFICATE": certificate, "TLS_KEY": tmp_path / "privkey.pem", "STATIC_DIR": static,
    })  # fmt: skip
    # What the image's own nginx.conf around conf.d/ gives, with every path in tmp_path.
    (tmp_path / "nginx.conf").write_text(
        # Run by root (as in CI), its workers would be nobody, who cannot read tmp_path.
        ("user root;\n" if os.geteuid() == 0 else "")
        + f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n  include /etc/nginx/mime.types;\n  access_log off;\n"
        + "".join(f"  {kind}_temp_path {tmp_path}/{kind};\n"
                  for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        + server + "\n}\n"
    )  # fmt: skip
    proxy = subprocess.Popen(
        [nginx, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)  # fmt: skip
    try:
        https = f"https://127.0.0.1:{ports['https']}"
        wait_until_up(f"http://127.0.0.1:{ports['app']}/healthz", app)
        wait_until_up(f"{https}/healthz", proxy, verify=str(certificate))
        yield {"https": https, "http": f"http://127.0.0.1:{ports['http']}",
               "app": f"http://127.0.0.1:{ports['app']}", "verify": str(certificate)}  # fmt: skip
    finally:
        for process in (proxy, app):
            process.terminate()
            process.wait(10)


def test_a_body_over_the_limit_is_refused_by_the_proxy(site):
    response = requests.post(f"{site['https']}/accounts/login/", data=b"x" * 2_000_000,
                             verify=site["verify"], timeout=10)  # fmt: skip
    assert response.status_code == 413
    # nginx's own page: Highlight (which refuses a signed-out body of this size too) never
    # saw it.
    assert "<center>nginx</center>" in response.text, response.text
    small = requests.post(f"{site['https']}/accounts/login/", data={"username": "x"},
                          verify=site["verify"], timeout=10)  # fmt: skip
    assert small.status_code == 403  # Highlight's own answer (no CSRF token), not the proxy's


def test_plain_http_is_sent_to_https(site):
    response = requests.get(f"{site['http']}/projects/?page=2", allow_redirects=False, timeout=5)
    assert response.status_code == 301
    assert response.headers["Location"] == "https://127.0.0.1/projects/?page=2"


def test_signing_in_through_the_proxy_gives_secure_cookies_and_the_real_address(site):
    # Hashed as production hashes (the test run's own hasher is a fast one gunicorn lacks).
    hasher = PBKDF2PasswordHasher()
    olive = UserFactory(username="olive")
    type(olive).objects.filter(pk=olive.pk).update(password=hasher.encode(PASSWORD, hasher.salt()))
    browser = requests.Session()
    page = browser.get(f"{site['https']}/accounts/login/", verify=site["verify"], timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    assert "secure" in page.headers["Set-Cookie"].lower()
    signed_in = browser.post(
        f"{site['https']}/accounts/login/",
        data={"csrfmiddlewaretoken": token, "username": "olive", "password": PASSWORD},
        # A forged header from the client: the proxy writes its own.
        headers={"Referer": f"{site['https']}/accounts/login/", "X-Forwarded-For": "198.51.100.7"},
        allow_redirects=False, timeout=10, verify=site["verify"],
    )  # fmt: skip
    assert signed_in.status_code == 302, signed_in.text[:500]
    session = next(c for c in signed_in.cookies if c.name == "sessionid")
    assert session.secure and session.has_nonstandard_attr("HttpOnly")
    event = AuditEvent.objects.get(kind="sign_in", actor_name="olive")
    assert event.address == "127.0.0.1"  # the proxy's view of the client, not the forgery
    assert signed_in.headers["Strict-Transport-Security"].startswith("max-age=")


def test_a_forged_forwarded_proto_reaches_highlight_as_what_it_is(site):
    # Straight to gunicorn (compose publishes no port for it; here the test can reach it):
    # https only because the client says so is not https at all once the proxy is there.
    direct = requests.get(f"{site['app']}/accounts/login/", timeout=5, allow_redirects=False,
                          headers={"X-Forwarded-Proto": "http"})  # fmt: skip
    assert direct.status_code == 301 and direct.headers["Location"].startswith("https://")
    through = requests.get(f"{site['http']}/accounts/login/", timeout=5, allow_redirects=False,
                           headers={"X-Forwarded-Proto": "https"})  # fmt: skip
    assert through.status_code == 301  # the proxy's redirect: the forgery never got through


def test_static_files_hashed_are_cached_for_a_year_others_for_an_hour(site):
    hashed = requests.get(f"{site['https']}/static/highlight.0123456789ab.css",
                          verify=site["verify"], timeout=5)  # fmt: skip
    assert hashed.status_code == 200 and hashed.text == "body { margin: 0 }"
    assert hashed.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    plain = requests.get(f"{site['https']}/static/robots.txt", verify=site["verify"], timeout=5)
    assert plain.headers["Cache-Control"] == "public, max-age=3600"
    assert "nginx/" not in plain.headers.get("Server", "")  # no version to look up

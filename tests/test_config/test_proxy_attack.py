"""Review of the production shape's proxy (issue 19), as an attacker and as an operator.

Each test here failed when it was written: it demonstrates a defect (docstring: the defect,
then what should happen). nginx's real binary runs the rendered template, in front of
gunicorn (tests/test_config/test_proxy.py's `site` fixture) or, where the nginx image's own
files matter, laid out as the official image lays them out (conf.d/default.conf beside the
rendered template). FINDINGS.md has the reproduction and suggested fix for each."""

import datetime
import os
import shutil
import socket
import ssl
import subprocess
import time
from pathlib import Path

import pytest
import requests
import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.conf import settings

from tests.conftest import need
from tests.test_config import test_proxy
from tests.test_config.test_proxy import TEMPLATE, rendered, self_signed
from tests.workers import free_port

ROOT = Path(settings.BASE_DIR)
# gunicorn behind the rendered template, on local ports (test_proxy.py).
site = test_proxy.site
COMPOSE_FILE = ROOT / "docker-compose.yml"
APP_SERVICES = ("web", "worker", "worker-large", "beat")

# The nginx.org package's /etc/nginx/conf.d/default.conf, as it is in the nginx:1.27 image
# (comments dropped; the image's 10-listen-on-ipv6-by-default.sh also adds
# `listen [::]:80;` to it). Mounting templates at /etc/nginx/templates does not remove it:
# the entrypoint writes highlight.conf beside it, and nginx.conf includes conf.d/*.conf.
IMAGE_DEFAULT_CONF = """
server {
    listen       %(port)s;
    server_name  localhost;
    location / {
        root   %(html)s;
        index  index.html index.htm;
    }
    error_page   500 502 503 504  /50x.html;
    location = /50x.html {
        root   %(html)s;
    }
}
"""


def nginx_binary():
    nginx = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    need(nginx, "nginx (Debian's package, installed by scripts/test-deps)")
    return nginx


def wait_for_port(port, process, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx stopped: {process.stderr.read()}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"nothing listening on {port}")


@pytest.fixture
def image_nginx(tmp_path):
    """Start nginx as the nginx image would: nginx.conf including conf.d/*.conf, with the
    image's default.conf and the rendered template (highlight.conf) in conf.d. Returns a
    function taking the template's values (and whether to keep default.conf)."""
    nginx = nginx_binary()
    started = []

    def start(values, *, with_default_conf=True):
        conf_d = tmp_path / "conf.d"
        conf_d.mkdir(exist_ok=True)
        html = tmp_path / "html"
        html.mkdir(exist_ok=True)
        (html / "index.html").write_text("<h1>Welcome to nginx!</h1>")
        if with_default_conf:
            (conf_d / "default.conf").write_text(
                IMAGE_DEFAULT_CONF % {"port": values["HTTP_PORT"], "html": html}
            )
        (conf_d / "highlight.conf").write_text(rendered(TEMPLATE, values))
        (tmp_path / "nginx.conf").write_text(
            ("user root;\n" if os.geteuid() == 0 else "")
            + f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
            f"http {{\n  include /etc/nginx/mime.types;\n  access_log off;\n"
            + "".join(f"  {kind}_temp_path {tmp_path}/{kind};\n"
                      for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
            + f"  include {conf_d}/*.conf;\n}}\n"
        )  # fmt: skip
        process = subprocess.Popen(
            [nginx, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)  # fmt: skip
        started.append(process)
        wait_for_port(int(values["HTTP_PORT"]), process)
        wait_for_port(int(values["HTTPS_PORT"]), process)
        return process

    yield start
    for process in started:
        process.terminate()
        process.wait(10)


def template_values(tmp_path, certificate, key, **overrides):
    static = tmp_path / "static"
    static.mkdir(exist_ok=True)
    return {
        "HIGHLIGHT_DOMAIN": "highlight.council.example", "HIGHLIGHT_UPSTREAM": "127.0.0.1:9",
        "HTTP_PORT": free_port(), "HTTPS_PORT": free_port(), "MAX_BODY": "1m",
        "TLS_CERTIFICATE": certificate, "TLS_KEY": key, "STATIC_DIR": static, **overrides,
    }  # fmt: skip


def rsa_certificate(folder):
    """An RSA certificate, as README's own `openssl req -x509 -newkey rsa:2048` recipe (and
    most organisations' certificate authorities) give."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "highlight.council.example")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name)
        .public_key(key.public_key()).serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(
            [x509.DNSName("highlight.council.example")]), critical=False)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    (folder / "rsa-fullchain.pem").write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    (folder / "rsa-privkey.pem").write_bytes(key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))  # fmt: skip
    return folder / "rsa-fullchain.pem", folder / "rsa-privkey.pem"


# --- The compose file ------------------------------------------------------------------


def test_emailed_links_point_at_the_proxy_not_at_gunicorns_default(tmp_path):
    """DEFECT (compose): no app service is given SITE_URL, so every emailed link (password
    reset, invitations, reminders: projects/passwords.py, onboarding/invitations.py,
    notifications.py, all built from SITE_URL in a worker) points at settings' default
    http://127.0.0.1:8000 - plain HTTP, to a port nothing publishes. Setting SITE_URL in
    .env (as README's table and the compose header, "Put secrets in a .env file", suggest)
    changes nothing: compose substitutes .env into the file, it does not pass it to the
    containers (there is no env_file). The header also still says ALLOWED_HOSTS goes in
    .env; since this change compose ignores it and takes HIGHLIGHT_DOMAIN.

    Expected: web and the workers get SITE_URL https://<HIGHLIGHT_DOMAIN> (or SITE_URL from
    .env), so a reset link goes to the proxy over HTTPS."""
    compose = shutil.which("docker-compose")
    need(compose, "docker-compose (v1), to render docker-compose.yml with a .env")
    env_file = tmp_path / ".env"
    env_file.write_text("SECRET_KEY=" + "k" * 60 + "\nHIGHLIGHT_DOMAIN=highlight.council.example\n"
                        "SITE_URL=https://highlight.council.example\n")  # fmt: skip
    result = subprocess.run(
        [compose, "-f", str(COMPOSE_FILE), "--project-directory", str(ROOT),
         "--env-file", str(env_file), "config"],
        capture_output=True, text=True, timeout=60, check=True)  # fmt: skip
    services = yaml.safe_load(result.stdout)["services"]
    assert services["web"]["environment"]["ALLOWED_HOSTS"].startswith("highlight.council.example")
    missing = {name: services[name]["environment"].get("SITE_URL") for name in APP_SERVICES}
    assert missing == dict.fromkeys(APP_SERVICES, "https://highlight.council.example")


# --- What the nginx image adds --------------------------------------------------------


def test_plain_http_to_another_name_is_redirected_not_nginxs_welcome_page(tmp_path, image_nginx):
    """DEFECT (proxy, as the nginx image runs it): the image keeps its own
    /etc/nginx/conf.d/default.conf (`listen 80; server_name localhost;`, plus `listen
    [::]:80` added by its entrypoint), and it sorts before highlight.conf, so IT is port
    80's default server. Plain HTTP to any name other than HIGHLIGHT_DOMAIN exactly - the
    server's IP address, a short intranet name (http://highlight/), www.<domain>, and every
    request arriving over IPv6 - gets nginx's "Welcome to nginx!" page (200) instead of the
    redirect to HTTPS. The template's tests run it alone, so they never see this.

    Expected: every plain HTTP request is redirected to https://HIGHLIGHT_DOMAIN (the
    template's port-80 server is `default_server`, or compose removes default.conf)."""
    certificate = self_signed(tmp_path)
    values = template_values(tmp_path, certificate, tmp_path / "privkey.pem")
    image_nginx(values)
    http = f"http://127.0.0.1:{values['HTTP_PORT']}"
    right_name = requests.get(f"{http}/projects/", headers={"Host": "highlight.council.example"},
                              allow_redirects=False, timeout=5)  # fmt: skip
    assert right_name.status_code == 301  # the exact name is redirected
    answers = {}
    for other in ("192.0.2.10", "highlight", "www.highlight.council.example"):
        for path in ("/", "/projects/"):
            response = requests.get(f"{http}{path}", headers={"Host": other},
                                    allow_redirects=False, timeout=5)  # fmt: skip
            answers[other, path] = (response.status_code, response.headers.get("Location"),
                                    "Welcome to nginx" in response.text)  # fmt: skip
    # Found: (200, None, True) for "/" and nginx's 404 for "/projects/", for every name.
    assert answers == {
        key: (301, "https://highlight.council.example" + key[1], False) for key in answers
    }


# --- Host header: the proxy answers for any name ---------------------------------------


def test_a_request_for_another_host_never_reaches_highlight(site):
    """DEFECT (proxy, low): the HTTPS server is the only one on 443, so it is the default
    for every Host and SNI: a request naming any host at all is proxied to gunicorn, and
    only Django's ALLOWED_HOSTS stops it (DisallowedHost, Django's 400 page; each one
    logged as a security error). The same holds for `Host: localhost`, which compose adds
    to ALLOWED_HOSTS for the healthcheck and which the proxy therefore lets through to a
    page. (Plain HTTP with the bare template redirects to whatever Host says:
    https://evil.example/...)

    Expected: the proxy refuses a name that is not HIGHLIGHT_DOMAIN itself (a catch-all
    `default_server` with `return 444;` / `ssl_reject_handshake on;`), so Highlight never
    sees it."""
    response = requests.get(f"{site['https']}/accounts/login/", headers={"Host": "evil.example"},
                            verify=site["verify"], timeout=5, allow_redirects=False)  # fmt: skip
    # Django's own 400 page ("Bad Request (400)") means gunicorn served it.
    assert "Bad Request (400)" not in response.text, "an unknown Host reached Highlight"
    redirect = requests.get(f"{site['http']}/accounts/login/", headers={"Host": "evil.example"},
                            timeout=5, allow_redirects=False)  # fmt: skip
    assert "evil.example" not in redirect.headers.get("Location", "")


# --- Compression of pages that carry secrets -------------------------------------------


def test_highlights_own_pages_are_not_compressed_by_the_proxy(site):
    """DEFECT (proxy, low: BREACH): `gzip on` compresses text/html whatever gzip_types says
    (nginx always includes it), and gzip_types adds application/json, so every dynamic
    page Highlight sends - each with session-bound content next to reflected input (search
    and filter parameters) - goes out compressed over TLS: the precondition of BREACH.
    Django masks the CSRF token per response, so that one is safe; others on a page
    (names, OFFICIAL-SENSITIVE text, a second-factor secret at set-up) are not. The list
    in gzip_types shows the intent was static files.

    Expected: gzip only for /static/ (or gzip off for the proxied location), so responses
    from Highlight are not compressed by the proxy."""
    page = requests.get(f"{site['https']}/accounts/login/?next=/projects/%3Fq%3Dprobe",
                        headers={"Accept-Encoding": "gzip"}, verify=site["verify"],
                        timeout=5)  # fmt: skip
    assert page.status_code == 200 and "csrfmiddlewaretoken" in page.text
    assert page.headers.get("Content-Encoding") is None, page.headers.get("Content-Encoding")


# --- Static files ------------------------------------------------------------------------


def test_a_missing_hashed_static_file_is_not_cached_for_a_year(site):
    """DEFECT (proxy, low): `add_header Cache-Control $highlight_static_cache always` puts
    the cache header on error responses too, so a 404 for a content-hashed name is sent
    `public, max-age=31536000, immutable`: a browser (or any cache) that asks for a new
    release's file before it is in the static volume (the volume is filled by web's `cp`
    at start; a proxy serving a new page's assets from an old or half-copied volume, or a
    second web) keeps the 404 for a year, and that stylesheet or script never loads.
    (Every other missing file gets an hour.)

    Expected: only successful responses carry the long cache header (drop `always`, or
    give 404s `Cache-Control: no-store`)."""
    missing = requests.get(f"{site['https']}/static/highlight.fedcba987654.css",
                           verify=site["verify"], timeout=5)  # fmt: skip
    assert missing.status_code == 404
    assert "max-age=31536000" not in missing.headers.get("Cache-Control", ""), missing.headers
    assert "immutable" not in missing.headers.get("Cache-Control", "")


# --- TLS ---------------------------------------------------------------------------------


def test_tls12_offers_only_forward_secret_aead_suites(tmp_path, image_nginx):
    """DEFECT (proxy, low): the template sets ssl_protocols but no ssl_ciphers, so nginx's
    default ("HIGH:!aNULL:!MD5") applies: with an RSA certificate (README's own self-signed
    recipe is rsa:2048; most organisations' CAs issue RSA) TLS 1.2 accepts static-RSA key
    exchange (AES128-SHA: no forward secrecy - a key stolen later decrypts recorded
    sessions, passwords included) and CBC with SHA-1. Session tickets are on too (nginx's
    default), with a key never rotated while the proxy runs, which also undoes forward
    secrecy for resumed sessions.

    Expected: TLS 1.2 limited to ECDHE with AES-GCM/ChaCha20 (Mozilla's "intermediate"
    list) and `ssl_session_tickets off`: a client offering only AES128-SHA is refused."""
    certificate, key = rsa_certificate(tmp_path)
    values = template_values(tmp_path, certificate, key)
    image_nginx(values, with_default_conf=False)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    context.maximum_version = ssl.TLSVersion.TLSv1_2
    context.set_ciphers("AES128-SHA:@SECLEVEL=0")  # RSA key exchange, CBC, SHA-1
    negotiated = None
    try:
        raw = socket.create_connection(("127.0.0.1", values["HTTPS_PORT"]), timeout=5)
        with raw, context.wrap_socket(raw, server_hostname="highlight.council.example") as tls:
            negotiated = tls.cipher()
    except ssl.SSLError:
        pass  # refused: what is expected
    assert negotiated is None, f"the proxy agreed {negotiated}"

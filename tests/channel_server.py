"""A local HTTPS server standing in for a Teams or Slack webhook (issue 21's channel
messages): it records each request and answers as the test tells it to. Its certificate
is made here, for localhost, 127.0.0.1 and hooks.example.test, and trusted through
CHANNEL_HOOKS_CA_FILE; CHANNEL_HOOKS_ALLOW_PRIVATE lets Highlight post to it."""

import contextlib
import datetime
import http.server
import ipaddress
import json
import ssl
import threading
import time

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

NAMES = ("localhost", "hooks.example.test")


def make_certificate(folder):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Highlight test hook")])
    now = datetime.datetime.now(datetime.UTC)
    alt = [x509.DNSName(n) for n in NAMES] + [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(alt), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_file, key_file = folder / "hook.pem", folder / "hook.key"
    cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_file, key_file


class Hook:
    """What the server received, and how it answers: `answers` is a list of statuses
    (the last one repeats); `delay` seconds before answering."""

    def __init__(self, port):
        self.port = port
        self.received = []
        self.answers = [202]
        self.delay = 0
        self.trickle = 0
        self.trickled = 0
        self.location = None

    def url(self, host="localhost", path="/workflows/hook?sig=secret"):
        return f"https://{host}:{self.port}{path}"

    @property
    def bodies(self):
        return [json.loads(r["body"]) for r in self.received]

    def texts(self):
        """The message text of each received Teams card or Slack message."""
        texts = []
        for body in self.bodies:
            if "attachments" in body:
                block = body["attachments"][0]["content"]["body"][0]
                texts.append(block["inlines"][0]["text"])
            else:
                texts.append(body["blocks"][0]["text"]["text"])
        return texts


def handler_for(hook):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", 0))
            hook.received.append(
                {
                    "path": self.path,
                    "host": self.headers.get("Host"),
                    "type": self.headers.get("Content-Type"),
                    "body": self.rfile.read(length).decode(),
                }
            )
            time.sleep(hook.delay)
            if hook.trickle:  # a byte at a time, each within the timeout, for ever
                with contextlib.suppress(OSError):
                    for _ in range(1000):
                        self.wfile.write(b"H")
                        self.wfile.flush()
                        hook.trickled += 1
                        time.sleep(hook.trickle)
                return
            status = hook.answers[min(len(hook.received), len(hook.answers)) - 1]
            self.send_response(status)
            if hook.location:
                self.send_header("Location", hook.location)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    return Handler


@contextlib.contextmanager
def running_hook(settings, tmp_path):
    """The server, trusted and allowed, for the length of the block (as a test's fixture)."""
    cert_file, key_file = make_certificate(tmp_path)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), None)
    hook = Hook(server.server_address[1])
    server.RequestHandlerClass = handler_for(hook)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.CHANNEL_HOOKS_ALLOW_PRIVATE = True
    settings.CHANNEL_HOOKS_CA_FILE = str(cert_file)
    settings.CHANNEL_HOOK_TIMEOUT = 2
    try:
        yield hook
    finally:
        server.shutdown()
        server.server_close()

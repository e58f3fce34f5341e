"""Posting JSON to a chat channel's webhook without letting the address reach inside.

A webhook address is typed by the PMO, so Highlight must not become a way to call this
machine or the organisation's network (server-side request forgery). Only `https` is
posted to; the name is resolved once, every address it gives is checked (no loopback,
private, link-local, shared, reserved or multicast address, including IPv4 hidden inside
IPv6), and the connection is made to the address that was checked, while the certificate
and the Host header are still for the name: a name that resolves differently a moment
later (DNS rebinding) cannot move the connection. Redirects are never followed.

`CHANNEL_HOOKS_ALLOW_PRIVATE` lets the tests post to a server on this machine;
`CHANNEL_HOOKS_CA_FILE` adds a certificate authority (the tests', or an organisation's own).
"""

import contextlib
import http.client
import ipaddress
import json
import socket
import ssl
import threading
from urllib.parse import urlsplit

from django.conf import settings

NAT64 = ipaddress.ip_network("64:ff9b::/96")
# Inside ranges Python 3.11 calls global: IPv6 site-local and local-use NAT64 (RFC 8215).
NOT_GLOBAL = (ipaddress.ip_network("fec0::/10"), ipaddress.ip_network("64:ff9b:1::/48"))
MOST_READ = 64 * 1024  # of an answer: only its status matters


class Refused(Exception):
    """Trying again will not help: the address is not allowed, or the channel said no."""


class Failed(Exception):
    """Perhaps for now: the channel could not be reached, was too slow, or is busy."""


def embedded_ipv4(ip):
    """The IPv4 address an IPv6 one carries (mapped, 6to4, Teredo or NAT64), if any."""
    if ip.version != 6:
        return None
    if ip.ipv4_mapped or ip.sixtofour:
        return ip.ipv4_mapped or ip.sixtofour
    if ip.teredo:
        return ip.teredo[1]
    if ip in NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def allowed(ip):
    if settings.CHANNEL_HOOKS_ALLOW_PRIVATE:
        return True
    inner = embedded_ipv4(ip)
    if inner is not None and not allowed(inner):
        return False
    if any(ip in network for network in NOT_GLOBAL if network.version == ip.version):
        return False
    return ip.is_global and not ip.is_multicast


def checked_url(url):
    """(host, port, path) of an address Highlight may post to, or Refused saying why. The
    reasons never quote the address: its path and query are the channel's secret."""
    if any(not "!" <= character <= "~" for character in url):
        raise Refused(
            "The webhook address holds a character a web address cannot (a space, a curly "
            "quote or a control character): copy it again from the channel."
        )
    try:
        parts = urlsplit(url)
        port = parts.port or 443
    except ValueError:
        raise Refused("The webhook address is not a web address.") from None
    if parts.scheme != "https" or not parts.hostname:
        raise Refused("Only https:// webhook addresses are posted to.")
    if parts.username or parts.password:
        raise Refused("A webhook address may not hold a user name or password.")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.hostname, port, path


def checked_addresses(host, port):
    """Every address the name resolves to, each one checked; Refused if any is inside."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as error:
        raise Failed(f"{host} could not be found ({error}).") from None
    addresses = []
    for family, _type, _proto, _name, sockaddr in found:
        ip = ipaddress.ip_address(sockaddr[0].split("%")[0])
        if not allowed(ip):
            raise Refused(
                f"{host} leads to {ip}, an address on this machine or a private network: "
                "Highlight does not post there."
            )
        if (family, sockaddr) not in addresses:
            addresses.append((family, sockaddr))
    return addresses


class PinnedConnection(http.client.HTTPSConnection):
    """HTTPS to one checked address, with the certificate checked against the name."""

    def __init__(self, host, port, address, **kwargs):
        super().__init__(host, port, **kwargs)
        self.family, self.sockaddr = address

    def connect(self):
        # Not socket.create_connection: it would look the address up again.
        sock = self.raw = socket.socket(self.family, socket.SOCK_STREAM)
        try:
            sock.settimeout(self.timeout)
            sock.connect(self.sockaddr)
            # The handshake apart, so that abort() can reach the socket during it.
            self.sock = self._context.wrap_socket(
                sock, server_hostname=self.host, do_handshake_on_connect=False
            )
            self.sock.do_handshake()
        except BaseException:
            sock.close()
            raise

    def abort(self):
        """End the try from another thread: the timeout bounds each wait, and a server
        that sends a byte at a time would otherwise keep a worker for ever."""
        sock = self.sock or getattr(self, "raw", None)
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


def tls_context():
    context = ssl.create_default_context()
    if settings.CHANNEL_HOOKS_CA_FILE:
        context.load_verify_locations(settings.CHANNEL_HOOKS_CA_FILE)
    return context


def post_json(url, payload):
    """POST `payload`; the answer's status, or Refused / Failed saying what went wrong."""
    host, port, path = checked_url(url)
    body = json.dumps(payload).encode()
    headers = {"Content-Type": "application/json", "User-Agent": "Highlight"}
    problem = None
    for address in checked_addresses(host, port):
        connection = PinnedConnection(
            host, port, address, timeout=settings.CHANNEL_HOOK_TIMEOUT, context=tls_context()
        )
        # The whole try, not each wait, ends after the timeout (twice: connect, then answer).
        watchdog = threading.Timer(2 * settings.CHANNEL_HOOK_TIMEOUT, connection.abort)
        watchdog.daemon = True
        watchdog.start()
        try:
            try:
                connection.connect()
            except ssl.SSLCertVerificationError as error:
                why = error.verify_message
                raise Refused(f"{host}'s certificate is not trusted ({why}).") from None
            except OSError as error:
                problem = error  # this address did not answer: try the name's next one
                continue
            return answered(host, sent(connection, path, body, headers))
        finally:
            watchdog.cancel()
            connection.close()
    raise Failed(f"{host} did not answer ({problem or 'no address'}).")


def sent(connection, path, body, headers):
    """The answer's status. Once connected, a failure may come after the channel posted
    the message: it is not sent again (Refused), as six tries would be six messages."""
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(MOST_READ)
    except (OSError, ValueError, http.client.HTTPException) as error:
        raise Refused(
            f"{connection.host} took the message but gave no answer ({type(error).__name__}); "
            "it is not sent again, in case the channel posted it."
        ) from None
    return response.status


def answered(host, status):
    if 200 <= status < 300:
        return status
    if 300 <= status < 400:
        raise Refused(f"{host} answered with a redirect ({status}), which is not followed.")
    if status == 429 or status >= 500:
        raise Failed(f"{host} answered {status}.")
    raise Refused(f"{host} refused the message ({status}).")

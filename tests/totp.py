"""Codes an authenticator app would show (RFC 6238: HMAC-SHA1, 30 s, 6 digits), computed
here from the shared secret, apart from the library Highlight checks them with."""

import base64
import hashlib
import hmac
import struct
import time


def code(secret, at=None, step=0):
    """The code for `secret` (base32, spaces allowed) at `at` (now), `step` periods on."""
    key = base64.b32decode("".join(secret.split()).upper())
    counter = int((time.time() if at is None else at) // 30) + step
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def later(periods):
    """The clock moved `periods` codes on: a code works once, and a test that needs another
    waits for it as a person would."""
    import time_machine

    return time_machine.travel(time.time() + periods * 30, tick=True)

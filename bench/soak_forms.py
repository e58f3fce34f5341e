"""What the soak's users read off a page, as a browser would: a form's fields with their
values (hidden ones, the CSRF token and the report's version included), and a one-time code
from an authenticator app's secret."""

import base64
import hashlib
import hmac
import re
import struct
import time
from html.parser import HTMLParser
from urllib.parse import urlsplit

SKIPPED_INPUTS = {"submit", "button", "image", "reset", "file"}


class Forms(HTMLParser):
    """Every form on a page: {"action", "fields": [[name, value], ...]}, what the browser
    would post (checked boxes only, a select's chosen option, a textarea's text)."""

    def __init__(self, page):
        super().__init__(convert_charrefs=True)
        self.forms, self._form, self._select, self._textarea = [], None, None, None
        self.feed(page)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action") or "", "fields": []}
            self.forms.append(self._form)
        elif self._form is None or not a.get("name") and tag != "option" or "disabled" in a:
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in SKIPPED_INPUTS or kind in ("checkbox", "radio") and "checked" not in a:
                return
            default = "on" if kind in ("checkbox", "radio") else ""  # as browsers send them
            self._form["fields"].append([a["name"], a.get("value", default)])
        elif tag == "select":
            self._select = {"name": a["name"], "chosen": [], "first": None}
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in a:
                self._select["chosen"].append(value)
        elif tag == "textarea":
            self._textarea = [a["name"], ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            chosen = self._select["chosen"] or [self._select["first"] or ""]
            self._form["fields"] += [[self._select["name"], value] for value in chosen]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            # A browser drops the newline that follows <textarea>.
            self._form["fields"].append([name, text[1:] if text.startswith("\n") else text])
            self._textarea = None


def form(page, action_ends="", having=""):
    """The first form whose action ends so and that has a field so named, or None."""
    for found in Forms(page).forms:
        if found["action"].endswith(action_ends) and (
            not having or any(name == having for name, _ in found["fields"])
        ):
            return found
    return None


def with_values(found, **values):
    """The form's fields with some values replaced (or added)."""
    fields = [[name, values.get(name, value)] for name, value in found["fields"]]
    fields += [[name, value] for name, value in values.items() if name not in dict(fields)]
    return fields


def errors(page):
    """The messages a refused form shows, for the soak's report."""
    shown = re.findall(r'class="(?:invalid-feedback|alert alert-danger)[^"]*"[^>]*>(.*?)</', page)
    return [re.sub(r"<[^>]+>|\s+", " ", text).strip() for text in shown][:3]


def totp_code(secret, at=None):
    """An authenticator app's code for `secret` (base32) at `at` (now): RFC 6238."""
    key = base64.b32decode(secret.upper())
    counter = int((time.time() if at is None else at) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def this_machine(url):
    """Whether `url` is on this machine: the soak loads nothing else."""
    return urlsplit(url or "").hostname in ("127.0.0.1", "localhost", "::1")

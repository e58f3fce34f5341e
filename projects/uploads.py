"""An uploaded file kept between its preview and the user's confirmation.

The file waits under MEDIA_ROOT/imports/ with a random name; the session remembers which
upload belongs to which record, so only its uploader can confirm it. A new preview
replaces the last unconfirmed one, and its file goes.
"""

import uuid
from pathlib import Path

from django.conf import settings

SESSION_KEY = "pending_upload"


def _path(token, suffix):
    return Path(settings.MEDIA_ROOT) / "imports" / f"{token}{suffix}"


def discard(request):
    previous = request.session.pop(SESSION_KEY, None)
    if previous:
        _path(previous["token"], previous["suffix"]).unlink(missing_ok=True)


def keep(request, target, name, content, preview=""):
    """Keep an upload for `target` (a string naming the record); returns its token.
    `preview` describes what the preview showed, to check it still holds on confirming."""
    discard(request)
    token = uuid.uuid4().hex
    suffix = ".csv" if name.lower().endswith(".csv") else ".xlsx"
    path = _path(token, suffix)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    request.session[SESSION_KEY] = {
        "token": token,
        "suffix": suffix,
        "target": target,
        "name": name,
        "preview": preview,
    }
    return token


def take(request, target, token):
    """(name, content, preview) of the upload kept for `target` under `token`, removed
    from the session and the disk; None if there is none (expired, replaced, another's)."""
    pending = request.session.pop(SESSION_KEY, None)
    if not pending:
        return None
    path = _path(pending["token"], pending["suffix"])
    try:
        if pending["target"] != target or pending["token"] != token:
            return None
        return pending["name"], path.read_bytes(), pending.get("preview", "")
    except OSError:
        return None
    finally:
        path.unlink(missing_ok=True)


def describe(changes):
    """A short fingerprint of a preview's planned changes."""
    import hashlib
    import json

    return hashlib.sha256(json.dumps(changes, default=str).encode()).hexdigest()


def pending_token(request, target):
    pending = request.session.get(SESSION_KEY)
    return pending["token"] if pending and pending["target"] == target else None

"""Personal access tokens for the read API (issue 21).

A token is `hl_<prefix>_<secret>`: the prefix finds it, and only the SHA-256 digest of the
whole token is kept. A slow password hash is not needed: the secret is 256 random bits,
which no dictionary holds. A token reads what its person may read (each app's access.py
decides, as for the pages), until it expires (at most a year), is revoked, or its person's
account is switched off.
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from . import audit
from .models import ApiToken

MAX_DAYS = 365
DEFAULT_DAYS = 90
PREFIX_BYTES = 6  # 8 characters
SECRET_BYTES = 32


def digest(token):
    return hashlib.sha256(token.encode()).hexdigest()


def check_days(days):
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError(f"A token lasts from 1 to {MAX_DAYS} days.")
    return days


def create(user, name, days=DEFAULT_DAYS, *, request=None, actor=None):
    """Make a token for `user`: returns the row and the token itself, which is shown once
    and kept nowhere."""
    name = name.strip()
    if not name:
        raise ValidationError("Name the token, e.g. after what will use it.")
    check_days(days)
    while True:
        prefix = secrets.token_urlsafe(PREFIX_BYTES).replace("_", "x").replace("-", "y")
        if not ApiToken.objects.filter(prefix=prefix).exists():
            break
    token = f"hl_{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"
    now = timezone.now()
    row = ApiToken.objects.create(
        user=user,
        name=name[:100],
        prefix=prefix,
        digest=digest(token),
        created_at=now,
        expires_at=now + timedelta(days=days),
    )
    audit.record(
        audit.Kind.API_TOKEN,
        request=request,
        actor=actor or user,
        obj=row,
        description=f"Made for {user.get_username()}, to expire on "
        f"{timezone.localtime(row.expires_at):%d/%m/%Y}.",
    )
    return row, token


def find(token, now=None):
    """The live token row `token` is, or None: wrong, expired, revoked, or its person's
    account switched off."""
    # The secret may itself hold "_" (URL-safe base64): only the first two split.
    parts = token.split("_", 2) if isinstance(token, str) else []
    if len(parts) != 3 or parts[0] != "hl":
        return None
    row = ApiToken.objects.select_related("user").filter(prefix=parts[1]).first()
    if row is None or not hmac.compare_digest(row.digest, digest(token)):
        return None
    if row.revoked_at is not None or row.expires_at <= (now or timezone.now()):
        return None
    if not row.user.is_active:
        return None
    return row


def revoke(row, *, request=None):
    """Stop the token working; it stays listed, as revoked."""
    if row.revoked_at is not None:
        return False
    updated = ApiToken.objects.filter(pk=row.pk, revoked_at=None).update(revoked_at=timezone.now())
    if updated:
        audit.record(audit.Kind.API_TOKEN, request=request, obj=row, description="Revoked.")
    return bool(updated)


def used(row, address):
    """Note the token's last use (what its person sees on their account page)."""
    now = timezone.now()
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=now, last_used_from=address)
    row.last_used_at, row.last_used_from = now, address


def state(row, now=None):
    """In words, for the account page."""
    if row.revoked_at is not None:
        return "Revoked"
    if row.expires_at <= (now or timezone.now()):
        return "Expired"
    return "Active"

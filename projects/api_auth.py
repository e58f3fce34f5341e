"""Who is asking the read API, and how much (issue 21): a personal access token or a
signed-in session, reading only, at most API_REQUESTS_PER_MINUTE a minute per token; and its
pages. Kept apart from api_base.py: REST framework's settings import these classes while
its views load, so this module must not import those views.
"""

import time

from django.conf import settings
from django.core.cache import cache
from rest_framework import authentication, exceptions, pagination, permissions, throttling

from . import api_tokens, audit

SAFE = ("GET", "HEAD", "OPTIONS")


class TokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer hl_…` (or `Token hl_…`): the token's person, while it lives."""

    keywords = (b"bearer", b"token")

    def authenticate(self, request):
        words = authentication.get_authorization_header(request).split()
        if not words or words[0].lower() not in self.keywords:
            return None
        if len(words) != 2:
            raise exceptions.AuthenticationFailed(
                "Send one token: `Authorization: Bearer <token>`."
            )
        try:
            sent = words[1].decode("ascii")
        except UnicodeDecodeError:
            sent = None  # not a token of ours: those are ASCII
        row = api_tokens.find(sent) if sent else None
        if row is None:
            raise exceptions.AuthenticationFailed(
                "The token is not valid: it is wrong, has expired or been revoked, or its "
                "person's account is switched off."
            )
        api_tokens.used(row, audit.client_address(request._request))
        return row.user, row

    def authenticate_header(self, request):
        # Present, so a request without valid credentials is answered 401, not 403.
        return 'Bearer realm="Highlight API"'


class ReadOnly(permissions.BasePermission):
    """Signed in (by token or session), and asking to read: any other method is answered
    405 (the API writes nothing), whatever the resource."""

    def has_permission(self, request, view):
        if not (request.user and request.user.is_authenticated):
            return False
        if request.method not in SAFE:
            raise exceptions.MethodNotAllowed(request.method, "The API is read-only.")
        return True


class PerToken(throttling.BaseThrottle):
    """API_REQUESTS_PER_MINUTE per person (all their tokens and their session together),
    counted in the shared cache with an atomic increment, so every web process counts
    against one total."""

    def allow_request(self, request, view):
        # Per person, whichever of their tokens (or their session) asks: a person who made
        # more tokens would otherwise have more than the limit (found by the review).
        who = f"user-{request.user.pk}"
        minute = int(time.time() // 60)
        key = f"api-rate:{who}:{minute}"
        cache.add(key, 0, timeout=120)
        try:
            count = cache.incr(key)
        except ValueError:  # gone between add and incr (evicted): count afresh
            cache.set(key, 1, timeout=120)
            count = 1
        self.retry_after = 60 - int(time.time()) % 60
        # With the cache down (django-redis ignores the error) nothing is counted: the API
        # stays up rather than refusing everyone.
        return count is None or count <= settings.API_REQUESTS_PER_MINUTE

    def wait(self):
        return self.retry_after


class Pages(pagination.PageNumberPagination):
    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 1000

"""Limits on request bodies, checked before anything reads one (issue 17).

A signed-out visitor's 300 MB upload to an import page was read whole, into a temporary
file, before the sign-in redirect: CsrfViewMiddleware reads request.POST to find its token,
and that parses the whole multipart body. This middleware runs before any view middleware
(CSRF's check is one) and answers from the headers alone:

- a body longer than MAX_UPLOAD_BYTES (its Content-Length) gets 413;
- a body with no length (Transfer-Encoding: chunked) gets 411: Django reads a request's
  body only up to its Content-Length, so such a body would arrive as empty, and a front
  server that streams it would still have to take it in;
- a signed-out visitor's body, except to the views named in ANONYMOUS_POST_VIEWS (signing
  in, resetting a password), is answered as every page answers a signed-out visitor, with
  the way to sign in (LoginRequiredMiddleware's redirect), without a byte of it read; and
  one to those views is at most ANONYMOUS_MAX_BODY_BYTES (a form of a few fields).
"""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.urls import Resolver404, resolve

from projects.sessions import reading_the_api


def _refuse(status, sentence):
    return HttpResponse(sentence, status=status, content_type="text/plain; charset=utf-8")


def declared_length(request):
    """The body's length from Content-Length (0 when absent), or None when it is not a
    length at all."""
    value = request.META.get("CONTENT_LENGTH") or "0"
    return int(value) if value.isascii() and value.isdigit() else None


def takes_anonymous_bodies(request):
    # The read API answers a stranger 401 in JSON itself, without reading a body.
    if reading_the_api(request):
        return True
    try:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return False
    return match.view_name in settings.ANONYMOUS_POST_VIEWS


class RequestBodyLimits:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.refusal(request) or self.get_response(request)

    def refusal(self, request):
        if request.META.get("HTTP_TRANSFER_ENCODING"):
            return _refuse(411, "Send the body with its length (Content-Length). Nothing was read.")
        length = declared_length(request)
        if length is None:
            return _refuse(400, "The Content-Length is not a number. Nothing was read.")
        limit = settings.MAX_UPLOAD_BYTES
        if length > limit:
            return _refuse(
                413,
                f"Too large: Highlight takes at most {limit / 1_000_000:.3g} MB at a time. "
                "Nothing was read or saved.",
            )
        if length and not request.user.is_authenticated:
            if not takes_anonymous_bodies(request):
                return redirect_to_login(request.get_full_path())
            if length > settings.ANONYMOUS_MAX_BODY_BYTES:
                # A sign-in or a reset is a few fields: a bigger body from a stranger is
                # refused before it is spooled to disk (found by the hostile review).
                return _refuse(413, "Too large for a sign-in form. Nothing was read.")
        return None

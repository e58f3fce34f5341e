"""Sessions that end when they should (issue 18): after SESSION_IDLE_MINUTES without a
request, SESSION_MAX_HOURS after signing in whatever happens in between (SSO_SESSION_HOURS
for a single sign-on, so someone switched off at the provider is soon out), everywhere at once
when a person asks, and at once when a person is deactivated.

"Everywhere" works without finding the sessions: each person has a sessions epoch, part of
the hash Django keeps in every session of theirs (User.get_session_auth_hash); raising it
makes every session's hash stale, and Django then treats each as signed out on its next
request, as it does after a password change.
"""

import time
from urllib.parse import urlencode, urlparse

from django.conf import settings
from django.contrib.auth import get_user_model, logout
from django.db.models import F
from django.http import HttpResponse
from django.shortcuts import redirect, resolve_url
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme

STARTED, SEEN, ENDED, BY = "signed_in_at", "seen_at", "session_ended", "signed_in_by"
SEEN_EVERY = 60  # seconds: the last request's time is written at most this often
IDLE, TOO_LONG, TOO_LONG_SSO, EVERYWHERE = "idle", "too_long", "too_long_sso", "everywhere"
SSO = "single sign-on"  # request.signed_in_by, as projects/sso.py sets it
POLL_HEADER = "X-Highlight-Poll"  # sent by the pages' own polling (hx-headers)


def why_ended(reason):
    """What the sign-in page and the audit say of a session that ended."""
    return {
        IDLE: f"after {settings.SESSION_IDLE_MINUTES} minutes without activity",
        TOO_LONG: f"at the end of the longest session ({settings.SESSION_MAX_HOURS} hours)",
        TOO_LONG_SSO: f"at the end of the longest single sign-on session ({sso_hours()} hours)",
        EVERYWHERE: "everywhere, on request",
    }.get(reason, "")


def sso_hours():
    return min(settings.SSO_SESSION_HOURS, settings.SESSION_MAX_HOURS)


def max_seconds(session):
    """The longest this session may last: shorter for a single sign-on."""
    return (sso_hours() if session.get(BY) == SSO else settings.SESSION_MAX_HOURS) * 3600


def signed_in(sender, request, user, **kwargs):
    """user_logged_in: the session's clock starts."""
    now = time.time()
    request.session[STARTED] = request.session[SEEN] = now
    request.session[BY] = getattr(request, "signed_in_by", "password")
    request.session.pop(ENDED, None)
    # Someone else's half-finished sign-in on this browser (their password typed, no code
    # yet) must not carry on into this person's session.
    from .second_factor import HELD, NEW_SECRET  # (it reads the audit: loaded later)

    for key in (HELD, NEW_SECRET):
        request.session.pop(key, None)


def ended(session, now, active=True):
    """IDLE or TOO_LONG when the session is over, else None (its last request noted, when
    `active`: a page polling by itself is nobody at the keyboard)."""
    started, seen = session.get(STARTED), session.get(SEEN)
    if started is None or seen is None:
        session[STARTED] = session[SEEN] = now  # signed in before these limits existed
        return None
    if now - seen > settings.SESSION_IDLE_MINUTES * 60:
        return IDLE
    if now - started > max_seconds(session):
        return TOO_LONG_SSO if session.get(BY) == SSO else TOO_LONG
    if active and now - seen > SEEN_EVERY:
        session[SEEN] = now
    return None


class SessionLimits:
    """Ends a signed-in session past its limits, and sends the person to sign in again,
    back to the page they were on (what they were typing is kept in their browser:
    static/js/highlight.js)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and not _signing_out_everywhere(request):
            reason = ended(request.session, time.time(), active=not _polling(request))
            if reason and reading_the_api(request):
                # The session ends all the same; the API answers the now-signed-out caller
                # itself (401 in JSON, or as the token it also sends), never with a page.
                end(request, reason)
            elif reason:
                return end(request, reason)
        response = self.get_response(request)
        if _htmx(request) and response.status_code == 302 and not request.user.is_authenticated:
            # Sent to sign in (a session ended elsewhere): the whole page goes, not a panel.
            return _whole_page(response["Location"])
        return response


def end(request, reason):
    request.session_ended = reason  # for the audit's sign-out event
    back = _back_to(request)
    logout(request)
    request.session[ENDED] = reason
    to = f"{resolve_url(settings.LOGIN_URL)}?{urlencode({'next': back})}"
    return _whole_page(to) if _htmx(request) else redirect(to)


def _whole_page(to):
    response = HttpResponse(status=204)
    response["HX-Redirect"] = to  # htmx sends the whole page there, not a panel
    return response


def _htmx(request):
    # Read here: django-htmx's middleware comes after this one.
    return request.headers.get("HX-Request") == "true"


def reading_the_api(request):
    """A request for the read API, its schema or an address under /api/ it does not have:
    answered in JSON (401 to a stranger), never with the sign-in page."""
    try:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return False
    return match.namespace == "api" or match.view_name in ("api-schema", "api-unknown")


def _polling(request):
    """A request a page makes by itself (hx-trigger="every …", marked with this header)."""
    return _htmx(request) and request.headers.get(POLL_HEADER) == "1"


def _signing_out_everywhere(request):
    # Pressed on a page left idle: done all the same (the lost phone is why it is pressed).
    return request.method == "POST" and request.path == reverse("sign-out-everywhere")


def _back_to(request):
    """Where to return after signing in: this page, or for a form sent (whose content is
    lost with the session) the page it was sent from."""
    if request.method == "GET" and not _htmx(request):
        return request.get_full_path()
    came_from = request.headers.get("HX-Current-URL") or request.headers.get("Referer", "")
    if came_from and url_has_allowed_host_and_scheme(
        came_from, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        parts = urlparse(came_from)
        return parts.path + (f"?{parts.query}" if parts.query else "")
    return "/"


def sign_out_everywhere(request):
    """Every session of the person, this one too."""
    get_user_model().objects.filter(pk=request.user.pk).update(
        sessions_epoch=F("sessions_epoch") + 1
    )
    request.session_ended = EVERYWHERE
    logout(request)
    request.session[ENDED] = EVERYWHERE


def deactivated(sender, instance, raw=False, update_fields=None, **kwargs):
    """pre_save of a person: made inactive, every session of theirs ends, for good (were they
    made active again, the old sessions would otherwise work again)."""
    if raw or instance.pk is None or instance.is_active:
        return
    if update_fields is not None and "is_active" not in update_fields:
        return
    # Raised in the database, whatever the instance read (User.save never writes it back).
    people = type(instance).objects
    if people.filter(pk=instance.pk, is_active=True).update(sessions_epoch=F("sessions_epoch") + 1):
        instance.sessions_epoch = people.values_list("sessions_epoch", flat=True).get(
            pk=instance.pk
        )

"""Single sign-on with OpenID Connect (issue 18), through django-allauth's openid_connect
provider, which checks the flow (PKCE, state, nonce) and the ID token (signature, issuer,
audience, expiry). What is Highlight's own is who may come in:

- a person the provider has signed in before comes in by the provider's subject;
- at a first sign-in, with OIDC_TRUST_EMAIL, a person whose email matches the provider's
  (case aside) is linked to it;
- anyone else is refused with a page saying so, unless OIDC_CREATE_USERS makes them an
  account from the provider's claims;
- an inactive person never comes in.
"""

import functools
import logging

import requests
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.shortcuts import render

from .models import User

logger = logging.getLogger(__name__)

SINGLE_SIGN_ON = "single sign-on"


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return False  # nobody signs up with a password; the PMO sets people up

    def login(self, request, user):
        # allauth signs people in only through the provider here: the audit says so.
        request.signed_in_by = SINGLE_SIGN_ON
        super().login(request, user)


class SignInAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin):
        return settings.OIDC_CREATE_USERS

    def pre_social_login(self, request, sociallogin):
        if sociallogin.is_existing:
            user = sociallogin.user
        else:
            user = self._known_person(sociallogin)
            if user is not None:
                sociallogin.connect(request, user)
            elif not settings.OIDC_CREATE_USERS:
                raise ImmediateHttpResponse(refused(request, "unknown", sociallogin))
        if user is not None and not user.is_active:
            raise ImmediateHttpResponse(refused(request, "inactive", sociallogin))

    def _known_person(self, sociallogin):
        email = _email(sociallogin)
        if not (settings.OIDC_TRUST_EMAIL and email):
            return None
        matches = list(User.objects.filter(email__iexact=email)[:2])
        return matches[0] if len(matches) == 1 else None  # two people, one address: neither


def refused(request, why, sociallogin):
    return render(request, "registration/sso_refused.html", {
        "why": why,
        "email": _email(sociallogin),
    }, status=403)  # fmt: skip


def _email(sociallogin):
    # As allauth read it from the provider's claims (ID token and userinfo).
    return (sociallogin.user.email or "").strip()


def provider_unreachable(view):
    """allauth's sign-in and callback views, with a page instead of a server error when the
    provider does not answer (its discovery, keys or token address)."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except requests.RequestException as exc:
            logger.warning("The single sign-on provider did not answer: %s", exc)
            return render(request, "socialaccount/authentication_error.html", status=502)

    return wrapped

"""Single sign-on with OpenID Connect (issue 18), through django-allauth's openid_connect
provider, which checks the flow (PKCE, state, nonce) and the ID token (signature, issuer,
audience, expiry). What is Highlight's own is who may come in:

- a person the provider has signed in before comes in by the provider's subject;
- at a first sign-in, with OIDC_TRUST_EMAIL, a person whose email matches the provider's
  (case aside) is linked to it;
- anyone else is refused with a page saying so, unless OIDC_CREATE_USERS makes them an
  account from the provider's claims;
- an inactive person never comes in;
- with OIDC_GROUPS_CLAIM, the provider's groups decide who is PMO and Director, at every
  sign-in.

Two checks allauth leaves out are added here: the ID token's signature is checked even when
the token came straight from the provider (allauth trusts TLS for that; Highlight checks
anyway), and a nonce ties the ID token to the browser that asked for it.
"""

import functools
import logging
import secrets

import requests
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialAccount, SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView
from allauth.socialaccount.providers.openid_connect import views as oidc_views
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import Group
from django.db import transaction
from django.http import Http404
from django.shortcuts import render

from . import access, audit, sessions
from .models import User

logger = logging.getLogger(__name__)

SINGLE_SIGN_ON = sessions.SSO


# Signed with a key pair: "none" and shared-secret algorithms are refused.
SIGNED_WITH = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384",
               "ES512", "EdDSA"}  # fmt: skip


class TokenChecks(OpenIDConnectOAuth2Adapter):
    def _decode_id_token(self, app, id_token):
        try:
            algorithm = jwtkit.jwt.get_unverified_header(id_token).get("alg")
        except jwtkit.jwt.PyJWTError as exc:
            raise OAuth2Error("Invalid id_token") from exc
        if algorithm not in SIGNED_WITH:
            raise OAuth2Error(f"ID token signed with {algorithm!r}")
        return jwtkit.verify_and_decode(
            credential=id_token,
            keys_url=self.openid_config["jwks_uri"],
            issuer=self.openid_config["issuer"],
            audience=app.client_id,
            lookup_kid=jwtkit.lookup_kid_jwk,
            verify_signature=True,
        )


@login_not_required
def login(request, provider_id):
    """allauth's sign-in view, for signing in only: its other processes ("connect",
    "redirect") link a provider's person with nobody signed in, to pages Highlight has not."""
    process = request.POST.get("process") or request.GET.get("process") or "login"
    if process != "login":
        return render(request, "socialaccount/authentication_error.html", status=400)
    return oidc_views.login(request, provider_id)


@login_not_required
def callback(request, provider_id):
    """allauth's callback view, with the checks above (allauth's own names its adapter)."""
    try:
        return OAuth2CallbackView.adapter_view(TokenChecks(request, provider_id))(request)
    except SocialApp.DoesNotExist as exc:
        raise Http404 from exc


class Provider(OpenIDConnectProvider):
    oauth2_adapter_class = TokenChecks

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        nonce = secrets.token_urlsafe(32)
        auth_params = kwargs.pop("auth_params", None) or self.get_auth_params()
        # Kept with allauth's state (in the session), checked by SignInAdapter.
        return super().redirect(request, process, next_url, data,
                                auth_params={**auth_params, "nonce": nonce}, nonce=nonce,
                                **kwargs)  # fmt: skip


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return False  # nobody signs up with a password; the PMO sets people up

    def login(self, request, user):
        # allauth signs people in only through the provider here: the audit says so.
        request.signed_in_by = SINGLE_SIGN_ON
        super().login(request, user)

    def get_login_stages(self):
        # The provider asks for its own second factor (Entra ID's conditional access):
        # Highlight's is for password sign-ins (projects/second_factor.py).
        return [s for s in super().get_login_stages() if not s.startswith("allauth.mfa.")]


class SignInAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin):
        return settings.OIDC_CREATE_USERS

    def on_authentication_error(self, request, provider, error=None, exception=None,
                                extra_context=None):  # fmt: skip
        # A refused token (signature, issuer, audience, expiry), a cancelled sign-in, or a
        # provider's error: the reason, never the token.
        why = f"{error or 'error'}" + (f" ({exception})" if exception else "")
        failed(request, f"the provider's answer was not accepted: {why}"[:300])

    def pre_social_login(self, request, sociallogin):
        token = sociallogin.account.extra_data.get("id_token") or {}
        state = getattr(sociallogin, "state", None) or {}
        if not (state.get("nonce") and secrets.compare_digest(
                str(token.get("nonce", "")), state["nonce"])):  # fmt: skip
            logger.warning("Single sign-on refused: the ID token's nonce does not match.")
            failed(request, "the ID token was not issued for this browser (nonce)")
            raise ImmediateHttpResponse(render(
                request, "socialaccount/authentication_error.html", status=400))  # fmt: skip
        if sociallogin.is_existing:
            user = sociallogin.user
        else:
            user = self._known_person(sociallogin)
            if user is None and (not settings.OIDC_CREATE_USERS or self._taken(sociallogin)):
                # (An address already in Highlight, not linked: allauth would send the person
                # to a sign-up form Highlight does not have.)
                raise ImmediateHttpResponse(refused(request, "unknown", sociallogin))
        if user is not None and not user.is_active:
            raise ImmediateHttpResponse(refused(request, "inactive", sociallogin, user))
        if user is not None:
            take_groups(user, sociallogin)
        if user is not None and not sociallogin.is_existing:
            sociallogin.connect(request, user)  # linked only once they may come in

    def populate_user(self, request, sociallogin, data):
        user = super().populate_user(request, sociallogin, data)
        user.job_title = str(claim(sociallogin, settings.OIDC_JOB_TITLE_CLAIM) or "")[:150]
        return user

    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form)
        take_groups(user, sociallogin)
        return user

    def _taken(self, sociallogin):
        email = _email(sociallogin)
        return bool(email) and User.objects.filter(email__iexact=email).exists()

    def _known_person(self, sociallogin):
        """The one person a first sign-in's address names, if it may link them: the
        organisation trusts its provider's addresses (OIDC_TRUST_EMAIL), the provider does
        not say this one is unverified, it is plain ASCII (PostgreSQL's UPPER() makes
        "alıce" of "ALICE"), exactly one person has it, they are not linked to another of
        the provider's people already, and they are not a superuser (who signs in with a
        password and an app)."""
        email = _email(sociallogin)
        verified = str(claim(sociallogin, "email_verified")).lower()
        if not (settings.OIDC_TRUST_EMAIL and email and email.isascii()) or verified == "false":
            return None
        matches = [u for u in User.objects.filter(email__iexact=email)[:3]
                   if u.email.isascii() and u.email.lower() == email.lower()]  # fmt: skip
        if len(matches) != 1 or matches[0].is_superuser:
            return None  # two people, one address: neither
        linked = SocialAccount.objects.filter(user=matches[0],
                                              provider=sociallogin.account.provider)  # fmt: skip
        return None if linked.exists() else matches[0]


def failed(request, why, user=None, subject="", email=""):
    """A single sign-on that did not sign anyone in, in the audit (who tried is unknown)."""
    who = f"{email or 'no email'}, subject {subject}" if subject else ""
    audit.record(
        audit.Kind.SIGN_IN_FAILED, request=request, actor_name="",
        object_type="projects.user", object_id=user.pk if user else "",
        object_repr=f"account {user.get_username()}" if user else f"no account ({who})",
        outcome=audit.Outcome.FAILURE,
        description=f"By single sign-on: {why}.",
    )  # fmt: skip


def claim(sociallogin, name):
    """A claim of the ID token, else of the userinfo answer (Entra ID puts groups in the
    token only)."""
    data = sociallogin.account.extra_data
    for source in ("id_token", "userinfo"):
        value = (data.get(source) or {}).get(name)
        if value is not None:
            return value
    return None


def take_groups(user, sociallogin):
    """With OIDC_GROUPS_CLAIM, PMO and Directors are as the provider's groups say: joined or
    left at each sign-in (recorded in the audit as changes of rights). A claim that is not a
    name or a list of names counts as no groups (and is logged)."""
    if not settings.OIDC_GROUPS_CLAIM:
        return
    theirs = claim(sociallogin, settings.OIDC_GROUPS_CLAIM)
    if isinstance(theirs, str | int) and not isinstance(theirs, bool):
        theirs = [theirs]
    if not isinstance(theirs, list) or not all(isinstance(g, str | int) for g in theirs):
        if theirs is not None:
            logger.warning("The provider's %s claim is not a list of groups: none taken.",
                           settings.OIDC_GROUPS_CLAIM)  # fmt: skip
        theirs = []
    set_groups(user, {str(g) for g in theirs})


def password_sign_in(sender, request, user, **kwargs):
    """user_logged_in: while the provider's groups decide PMO and Directors, a sign-in by
    password (which brings no groups) leaves them, until the next single sign-on; but a
    superuser's (break-glass)."""
    if (settings.OIDC_GROUPS_CLAIM and not user.is_superuser
            and getattr(request, "signed_in_by", "password") != SINGLE_SIGN_ON):  # fmt: skip
        set_groups(user, set())


@transaction.atomic
def set_groups(user, theirs):
    for name, mapped in ((access.PMO, settings.OIDC_PMO_GROUPS),
                         (access.DIRECTORS, settings.OIDC_DIRECTOR_GROUPS)):  # fmt: skip
        group, _ = Group.objects.get_or_create(name=name)
        member = user.groups.filter(pk=group.pk).exists()
        if theirs & set(mapped) and not member:
            user.groups.add(group)
        elif member and not theirs & set(mapped):
            user.groups.remove(group)


def refused(request, why, sociallogin, user=None):
    failed(request, {"unknown": "no account matches the provider's person",
                     "inactive": "the account is switched off"}[why],
           user=user, subject=sociallogin.account.uid, email=_email(sociallogin))  # fmt: skip
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

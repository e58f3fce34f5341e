"""How people sign in (issue 18), read from the environment by config/settings.py:
single sign-on with OpenID Connect, passwords, a second factor, and how long sessions last.
"""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

PROVIDER_ID = "sso"  # the callback: /accounts/oidc/sso/login/callback/
TOKEN_AUTH = "client_secret_basic"  # noqa: S105  # nosec B105: how the secret is sent
# Who must use an authenticator app with a password (MFA_REQUIRED_FOR): any of these.
MFA_GROUPS = {"staff", "superusers", "pmo", "directors", "everyone"}

# allauth's settings, the same everywhere.
FIXED = {
    "OIDC_PROVIDER_ID": PROVIDER_ID,
    "SOCIALACCOUNT_ADAPTER": "projects.sso.SignInAdapter",
    "SOCIALACCOUNT_AUTO_SIGNUP": True,  # the adapter decides who may have an account made
    "SOCIALACCOUNT_LOGIN_ON_GET": False,  # the sign-in page's button POSTs (CSRF)
    "SOCIALACCOUNT_STORE_TOKENS": False,
    "SOCIALACCOUNT_EMAIL_REQUIRED": False,
    "ACCOUNT_EMAIL_VERIFICATION": "none",
    "ACCOUNT_ADAPTER": "projects.sso.AccountAdapter",
    # Second factors are allauth's authenticators (TOTP and recovery codes), asked for by
    # Highlight's own sign-in pages (projects/second_factor.py).
    "MFA_SUPPORTED_TYPES": ["totp", "recovery_codes"],
    "MFA_ADAPTER": "projects.second_factor.MFAAdapter",  # secrets encrypted
    "MFA_TOTP_ISSUER": "Highlight",
    "MFA_RECOVERY_CODE_COUNT": 10,
    # A code of the last or next 30 seconds is taken too: typed as the app turns over, or on
    # a phone whose clock is a little out (RFC 6238's advice). Each still works once.
    "MFA_TOTP_TOLERANCE": 1,
}


def settings(env):
    """The sign-in settings, from the environment `env` (django-environ's)."""
    issuer = env("OIDC_ISSUER", default="")  # the provider's address; unset: no SSO
    label = env("OIDC_BUTTON_LABEL", default="Sign in with your organisation")
    values = {
        "OIDC_ISSUER": issuer,
        "OIDC_CLIENT_ID": env("OIDC_CLIENT_ID", default=""),
        "OIDC_CLIENT_SECRET": env("OIDC_CLIENT_SECRET", default=""),
        "OIDC_BUTTON_LABEL": label,
        # Off: only people the PMO has set up may sign in. On: a first sign-in makes them.
        "OIDC_CREATE_USERS": env.bool("OIDC_CREATE_USERS", default=False),
        # A first sign-in matches a person by the provider's email (Entra ID sends no
        # email_verified, so only the organisation can say it is to be trusted).
        "OIDC_TRUST_EMAIL": env.bool("OIDC_TRUST_EMAIL", default=False),
        # Set: the provider's groups decide who is PMO and Director, at every sign-in.
        "OIDC_GROUPS_CLAIM": env("OIDC_GROUPS_CLAIM", default=""),
        "OIDC_PMO_GROUPS": _names(env.list("OIDC_PMO_GROUPS", default=[])),
        "OIDC_DIRECTOR_GROUPS": _names(env.list("OIDC_DIRECTOR_GROUPS", default=[])),
        "OIDC_JOB_TITLE_CLAIM": env("OIDC_JOB_TITLE_CLAIM", default="jobTitle"),
        # Off: single sign-on is the only way in, but for superusers (the README's
        # break-glass path).
        "PASSWORD_SIGN_IN": env.bool("PASSWORD_SIGN_IN", default=True),
        "MFA_REQUIRED_FOR": _names(env.list("MFA_REQUIRED_FOR", default=["staff", "pmo"])),
        "SESSION_IDLE_MINUTES": env.int("SESSION_IDLE_MINUTES", default=60),
        "SESSION_MAX_HOURS": env.int("SESSION_MAX_HOURS", default=10),
        # Shorter, so a person switched off at the provider is out within hours.
        "SSO_SESSION_HOURS": env.int("SSO_SESSION_HOURS", default=4),
        "SOCIALACCOUNT_PROVIDERS": providers(
            issuer,
            env("OIDC_CLIENT_ID", default=""),
            env("OIDC_CLIENT_SECRET", default=""),
            label,
        ),  # fmt: skip
        **FIXED,
    }
    _check(values)
    values["SESSION_COOKIE_AGE"] = values["SESSION_MAX_HOURS"] * 3600
    return values


def _names(values):
    # "a, b" means a and b, not " b".
    return [v.strip() for v in values if v.strip()]


def _check(values):
    if min(values[n] for n in ("SESSION_IDLE_MINUTES", "SESSION_MAX_HOURS",
                               "SSO_SESSION_HOURS")) < 1:  # fmt: skip
        raise ImproperlyConfigured(
            "SESSION_IDLE_MINUTES, SESSION_MAX_HOURS and SSO_SESSION_HOURS must be at least 1."
        )
    unknown = set(values["MFA_REQUIRED_FOR"]) - MFA_GROUPS
    if unknown:
        raise ImproperlyConfigured(
            f"MFA_REQUIRED_FOR: {', '.join(sorted(unknown))} is not one of "
            f"{', '.join(sorted(MFA_GROUPS))} (or leave it empty for nobody)."
        )
    if not values["PASSWORD_SIGN_IN"] and not values["OIDC_ISSUER"]:
        raise ImproperlyConfigured("PASSWORD_SIGN_IN=0 needs single sign-on: set OIDC_ISSUER.")


def providers(issuer, client_id, secret, label):
    """allauth's SOCIALACCOUNT_PROVIDERS: one OpenID Connect provider, with PKCE, a nonce
    and the ID token's signature always checked (projects/sso.py's Provider); none without
    an issuer."""
    app = {"provider_id": PROVIDER_ID, "name": label, "client_id": client_id, "secret": secret,
           "settings": {"server_url": issuer, "token_auth_method": TOKEN_AUTH}}  # fmt: skip
    return {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "provider_class": "projects.sso.Provider",
            "APPS": [app] if issuer else [],
        }
    }


def origin(issuer):
    """The provider's origin, for the policy's form-action; [] without an issuer."""
    return [urlsplit(issuer)._replace(path="", query="", fragment="").geturl()] if issuer else []

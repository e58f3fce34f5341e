"""Single sign-on settings built from the environment's few values (config/settings.py)."""

from urllib.parse import urlsplit

# The settings config/settings.py takes from here as they are.
__all__ = [
    "OIDC_PROVIDER_ID", "SOCIALACCOUNT_ADAPTER", "SOCIALACCOUNT_AUTO_SIGNUP",
    "SOCIALACCOUNT_LOGIN_ON_GET", "SOCIALACCOUNT_STORE_TOKENS", "SOCIALACCOUNT_EMAIL_REQUIRED",
    "ACCOUNT_EMAIL_VERIFICATION", "ACCOUNT_ADAPTER",
]  # fmt: skip
OIDC_PROVIDER_ID = PROVIDER_ID = "sso"  # the callback: /accounts/oidc/sso/login/callback/
SOCIALACCOUNT_ADAPTER = "projects.sso.SignInAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True  # the adapter decides who may have an account made
SOCIALACCOUNT_LOGIN_ON_GET = False  # the sign-in page's button POSTs (CSRF)
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_EMAIL_REQUIRED = False
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "projects.sso.AccountAdapter"
TOKEN_AUTH = "client_secret_basic"  # noqa: S105  # nosec B105: how the secret is sent


def providers(issuer, client_id, secret, label):
    """allauth's SOCIALACCOUNT_PROVIDERS: one OpenID Connect provider, with PKCE; none
    without an issuer."""
    app = {"provider_id": PROVIDER_ID, "name": label, "client_id": client_id, "secret": secret,
           "settings": {"server_url": issuer, "token_auth_method": TOKEN_AUTH}}  # fmt: skip
    return {"openid_connect": {"OAUTH_PKCE_ENABLED": True, "APPS": [app] if issuer else []}}


def origin(issuer):
    """The provider's origin, for the policy's form-action; [] without an issuer."""
    return [urlsplit(issuer)._replace(path="", query="", fragment="").geturl()] if issuer else []

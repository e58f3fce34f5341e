from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from projects import account_views, second_factor_views, sso, token_views
from projects.onboarding import invitations
from projects.passwords import QueuedPasswordResetForm

from . import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", account_views.SignIn.as_view(), name="login"),
    # With PASSWORD_SIGN_IN off, a superuser's way in when single sign-on is down (README).
    path(
        "accounts/login/break-glass/",
        account_views.SignIn.as_view(break_glass=True),
        name="break-glass",
    ),
    path("accounts/second-factor/", second_factor_views.code, name="second-factor"),
    path(
        "accounts/second-factor/set-up/",
        second_factor_views.set_up,
        name="second-factor-set-up",
    ),
    path(
        "accounts/me/recovery-codes/",
        second_factor_views.recovery_codes,
        name="recovery-codes",
    ),
    # The admin's own sign-in page would skip the second factor: it sends people here.
    path("admin/login/", account_views.admin_sign_in, name="admin-sign-in"),
    # The reset email goes from a task, so the page's time tells nothing (issue 17).
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=QueuedPasswordResetForm),
        name="password_reset",
    ),
    # An imported person chooses their own password (issue 19).
    path(
        "accounts/invitation/<uidb64>/<token>/",
        invitations.AcceptInvitation.as_view(),
        name="invitation",
    ),
    path("accounts/invitation/done/", invitations.invitation_done, name="invitation-done"),
    path("accounts/me/", account_views.account, name="account"),
    path("accounts/me/deputies/", account_views.deputy_add, name="deputy-add"),
    path(
        "accounts/me/deputies/<int:pk>/remove/",
        account_views.deputy_remove,
        name="deputy-remove",
    ),
    path("accounts/me/api-tokens/", token_views.token_create, name="api-token-create"),
    path(
        "accounts/me/api-tokens/<int:pk>/revoke/",
        token_views.token_revoke,
        name="api-token-revoke",
    ),
    # Wrong current passwords counted towards the lockout (issue 18).
    path(
        "accounts/password_change/",
        account_views.PasswordChange.as_view(),
        name="password_change",
    ),
    path(
        "accounts/sign-out-everywhere/",
        account_views.sign_out_everywhere,
        name="sign-out-everywhere",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    # Single sign-on: the provider's sign-in and callback, and allauth's error pages only
    # (Django's own pages sign people in with a password).
    path(
        "accounts/oidc/<str:provider_id>/login/",
        sso.provider_unreachable(sso.login),
        name="openid_connect_login",
    ),
    path(
        "accounts/oidc/<str:provider_id>/login/callback/",
        sso.provider_unreachable(sso.callback),
        name="openid_connect_callback",
    ),
    path(
        "accounts/sso/cancelled/",
        account_views.sso_cancelled,
        name="socialaccount_login_cancelled",
    ),  # fmt: skip
    path(
        "accounts/sso/error/",
        account_views.sso_failed,
        name="socialaccount_login_error",
    ),
    path("admin/", admin.site.urls),
    path("api/", include("config.api_urls")),
    path("documents/", include("reports.urls")),
    path("risks/", include("risks.urls")),
    path("plans/", include("businessplan.urls")),
    path("", include("projects.urls")),
]

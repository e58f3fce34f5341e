from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from projects import account_views
from projects.passwords import QueuedPasswordResetForm

from . import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", account_views.SignIn.as_view(), name="login"),
    # The reset email goes from a task, so the page's time tells nothing (issue 17).
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=QueuedPasswordResetForm),
        name="password_reset",
    ),
    path("accounts/me/", account_views.account, name="account"),
    path(
        "accounts/sign-out-everywhere/",
        account_views.sign_out_everywhere,
        name="sign-out-everywhere",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("documents/", include("reports.urls")),
    path("risks/", include("risks.urls")),
    path("plans/", include("businessplan.urls")),
    path("", include("projects.urls")),
]

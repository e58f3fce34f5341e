from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from projects.passwords import QueuedPasswordResetForm

from . import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    # The reset email goes from a task, so the page's time tells nothing (issue 17).
    path(
        "accounts/password_reset/",
        auth_views.PasswordResetView.as_view(form_class=QueuedPasswordResetForm),
        name="password_reset",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("documents/", include("reports.urls")),
    path("risks/", include("risks.urls")),
    path("plans/", include("businessplan.urls")),
    path("", include("projects.urls")),
]

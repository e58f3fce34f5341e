"""A person's own account: who Highlight knows them as, their session, and signing out of
every browser at once."""

import datetime

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import LoginView
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import TemplateView

from . import sessions


@require_GET
def account(request):
    started = request.session.get(sessions.STARTED)
    return render(request, "registration/account.html", {
        "signed_in_at": _when(started),
        "ends_at": _when(started and started + sessions.max_seconds()),
        "groups": request.user.groups.order_by("name"),
        "idle_minutes": settings.SESSION_IDLE_MINUTES,
    })  # fmt: skip


class SignIn(LoginView):
    """Django's sign-in page, saying why the last session ended when it ended by itself."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        reason = self.request.session.get(sessions.ENDED)
        sso = settings.OIDC_ISSUER and reverse(
            "openid_connect_login", kwargs={"provider_id": settings.OIDC_PROVIDER_ID}
        )
        return {
            **super().get_context_data(**kwargs),
            "session_ended": sessions.why_ended(reason),
            "sso_url": sso,
            "sso_label": settings.OIDC_BUTTON_LABEL,
        }


@require_POST
def sign_out_everywhere(request):
    sessions.sign_out_everywhere(request)
    return redirect("login")


def _when(timestamp):
    if not timestamp:
        return None
    return datetime.datetime.fromtimestamp(timestamp, tz=datetime.UTC).astimezone(
        timezone.get_current_timezone()
    )


# Where allauth sends someone whose single sign-on was cancelled or failed (its own views
# link to its password pages, which Highlight does not use).
sso_cancelled = login_not_required(
    TemplateView.as_view(template_name="socialaccount/login_cancelled.html")
)
sso_failed = login_not_required(
    TemplateView.as_view(template_name="socialaccount/authentication_error.html")
)

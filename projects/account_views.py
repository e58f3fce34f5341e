"""A person's own account: who Highlight knows them as, their session, and signing out of
every browser at once."""

import datetime
from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.contrib.auth.views import LoginView, PasswordChangeView
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django.views.generic import TemplateView

from . import access, deputies, second_factor, second_factor_views, sessions
from .models import Deputy, User


@require_GET
def account(request):
    return account_page(request)


def account_page(request, deputy_form=None, tokens=None, status=200):
    from .token_views import tokens_context  # import cycle: each form's view shows this page

    context = {
        **_account_context(request),
        **_deputies(request, deputy_form),
        **(tokens or tokens_context(request)),
    }
    return render(request, "registration/account.html", context, status=status)


def _account_context(request):
    started = request.session.get(sessions.STARTED)
    return {
        "signed_in_at": _when(started),
        "ends_at": _when(started and started + sessions.max_seconds(request.session)),
        "groups": request.user.groups.order_by("name"),
        "groups_from_provider": bool(settings.OIDC_GROUPS_CLAIM),
        "idle_minutes": settings.SESSION_IDLE_MINUTES,
        "signed_in_by": request.session.get(sessions.BY),
        "passwords_used": request.user.has_usable_password()
        and (settings.PASSWORD_SIGN_IN or request.user.is_superuser),
        "has_app": second_factor.has_app(request.user),
        "app_required": second_factor.required(request.user),
        "recovery_codes_left": len(second_factor.recovery_codes(request.user)),
    }  # fmt: skip


class CountedPasswordChangeForm(PasswordChangeForm):
    """Django's, with a wrong current password counted towards the account's lockout as at
    sign-in: a session left open is no way to guess the password."""

    def clean_old_password(self):
        if second_factor.locked_out(self.request, self.user):
            raise forms.ValidationError(second_factor_views.LOCKED_OUT)
        try:
            return super().clean_old_password()
        except forms.ValidationError:
            second_factor.wrong_password(self.request, self.user)
            raise


class PasswordChange(PasswordChangeView):
    form_class = CountedPasswordChangeForm

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.request = self.request
        return form


class PasswordForm(AuthenticationForm):
    break_glass = False

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if self.break_glass and not user.is_superuser:
            # As a wrong password reads: the page tells nobody whose password is right.
            raise self.get_invalid_login_error()


class SignIn(LoginView):
    """Django's sign-in page, saying why the last session ended when it ended by itself,
    with the organisation's single sign-on first; then the second factor, where there is
    one (projects/second_factor.py). With PASSWORD_SIGN_IN off, only the break-glass page
    takes a password, and only a superuser's."""

    redirect_authenticated_user = True
    form_class = PasswordForm
    break_glass = False

    def passwords_taken(self):
        return settings.PASSWORD_SIGN_IN or self.break_glass

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.break_glass = self.break_glass and not settings.PASSWORD_SIGN_IN
        return form

    def post(self, request, *args, **kwargs):
        if not self.passwords_taken():
            messages.error(request, "Passwords are not used here: sign in with the button.")
            return redirect("login")
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        user = form.get_user()
        method = "password (break-glass)" if form.break_glass else "password"
        step = second_factor.next_step(user)
        if form.break_glass and step is None:
            step = "set-up"  # the one password door when passwords are off: never alone
        if step is None:
            self.request.signed_in_by = method
            return super().form_valid(form)
        second_factor.hold(self.request, user, self.get_success_url(), method)
        return redirect("second-factor" if step == "code" else "second-factor-set-up")

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
            "passwords": self.passwords_taken(),
            "break_glass": self.break_glass and not settings.PASSWORD_SIGN_IN,
        }


class DeputyForm(forms.Form):
    deputy = forms.ModelChoiceField(User.objects.filter(is_active=True), label="Deputy")
    starts = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    ends = forms.DateField(label="To (inclusive)", widget=forms.DateInput(attrs={"type": "date"}))


def _deputies(request, form=None):
    if access.is_pmo(request.user):  # the PMO never approves, so has nobody to deputise
        return {}
    on = timezone.localdate()
    return {
        "deputy_form": form or DeputyForm(),
        "my_deputies": Deputy.objects.filter(person=request.user, ends__gte=on).select_related(
            "deputy"
        ),
        "deputising": Deputy.objects.filter(deputy=request.user, ends__gte=on).select_related(
            "person"
        ),
    }


@require_POST
def deputy_add(request):
    """Name a deputy to approve and return one's reports while away."""
    form = DeputyForm(request.POST)
    if form.is_valid() and not access.is_pmo(request.user):
        try:
            deputies.name(request.user, **form.cleaned_data)
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(name, error)
        else:
            messages.success(request, f"{form.cleaned_data['deputy']} approves for you from "
                             f"{form.cleaned_data['starts']:%d/%m/%Y} to "
                             f"{form.cleaned_data['ends']:%d/%m/%Y}.")  # fmt: skip
            return redirect("account")
    return account_page(request, deputy_form=form, status=400)


@require_POST
def deputy_remove(request, pk):
    row = get_object_or_404(Deputy, pk=pk, person=request.user)
    deputies.remove(row, by=request.user)
    messages.success(request, f"{row.deputy} no longer approves for you.")
    return redirect("account")


@login_not_required
@require_GET
def admin_sign_in(request):
    return redirect(f"{reverse('login')}?{urlencode({'next': request.GET.get('next', '/admin/')})}")


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

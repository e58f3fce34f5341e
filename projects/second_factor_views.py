"""The second factor's pages (projects/second_factor.py): the code asked for after a right
password, setting an authenticator app up, and a person's recovery codes."""

from allauth.mfa.adapter import get_adapter
from allauth.mfa.totp.internal.auth import generate_totp_secret
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods

from . import second_factor

LOCKED_OUT = "This account is locked for a while after too many wrong passwords or codes."
UNREADABLE = (
    "Highlight cannot read your authenticator app's settings (its key has changed): ask a "
    "Highlight administrator to reset your second factor."
)


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code", max_length=20,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric",
                                      "autofocus": True}),
    )  # fmt: skip


class SetUpForm(CodeForm):
    password = forms.CharField(label="Your password", widget=forms.PasswordInput(
        attrs={"autocomplete": "current-password"}))  # fmt: skip

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user is None:  # held: the password was typed a moment ago
            del self.fields["password"]

    def clean_password(self):
        # Signed in already: a session left open is not enough to put one's own app on
        # someone's account.
        if not self.user.check_password(self.cleaned_data["password"]):
            raise forms.ValidationError("That is not your password.")
        return ""


def _start_again(request, why):
    request.session.pop(second_factor.HELD, None)
    request.session.pop(second_factor.NEW_SECRET, None)
    messages.error(request, why)
    return redirect("login")


@login_not_required
@require_http_methods(["GET", "POST"])
def code(request):
    """After a right password: the code from the person's app, or a recovery code."""
    user = second_factor.held(request)
    if user is None:
        return _start_again(request, "Sign in again: the time to type your code ran out.")
    if second_factor.locked_out(request, user):
        return _start_again(request, LOCKED_OUT)
    form = CodeForm(request.POST or None)
    if form.is_valid():
        try:
            how = second_factor.attempt(request, user, form.cleaned_data["code"])
        except second_factor.Unreadable:
            return _start_again(request, UNREADABLE)
        if how == second_factor.LOCKED:
            return _start_again(request, LOCKED_OUT)
        if how:
            to = second_factor.sign_in(request, user, how)
            if how == second_factor.RECOVERY_CODE:
                left = len(second_factor.recovery_codes(user))
                messages.warning(request, f"You signed in with a recovery code: {left} left. "
                                 "Make new ones on your account page.")  # fmt: skip
            return redirect(to)
        if second_factor.wrong_code(request):
            return _start_again(request, "Too many wrong codes: sign in again.")
        form.add_error("code", "That code is not right, or was used already.")
    return render(request, "registration/second_factor.html", {"form": form}, status=200)


@login_not_required
@require_http_methods(["GET", "POST"])
def set_up(request):
    """An authenticator app: at sign-in for those who must have one, or from the account
    page for anyone without one."""
    # Signed in: always the person signed in (a hold left on this browser is someone else's).
    held = None if request.user.is_authenticated else second_factor.held(request)
    user = request.user if request.user.is_authenticated else held
    if user is None:
        return _start_again(request, "Sign in again: the time to set up your app ran out.")
    if second_factor.has_app(user):  # replacing an app takes a superuser's reset
        return redirect("second-factor" if held else "account")
    kept = request.session.get(second_factor.NEW_SECRET) or {}
    # Only ever the secret made for this person (a shared computer's last user had another).
    secret = kept.get("secret") if kept.get("user") == user.pk else None
    secret = secret or generate_totp_secret()
    request.session[second_factor.NEW_SECRET] = {"user": user.pk, "secret": secret}
    form = SetUpForm(request.POST or None, user=None if held else user)
    if request.method == "POST" and not held and second_factor.locked_out(request, user):
        form.add_error(None, LOCKED_OUT)
    elif form.is_valid():
        step = second_factor.app_code_step(secret, "".join(form.cleaned_data["code"].split()))
        if step is not None:
            del request.session[second_factor.NEW_SECRET]
            codes = second_factor.set_up(user, secret, step)
            to = (second_factor.sign_in(request, user, second_factor.APP) if held
                  else reverse("account"))  # fmt: skip
            return render(request, "registration/recovery_codes.html",
                          {"codes": codes, "continue_to": to, "new": True})  # fmt: skip
        form.add_error("code", "That code is not right: check the app shows Highlight, and "
                       "that this device's clock is right.")  # fmt: skip
    elif "password" in form.errors:
        second_factor.wrong_password(request, user)
    adapter = get_adapter()
    url = adapter.build_totp_url(user, secret)
    return render(request, "registration/second_factor_set_up.html", {
        "form": form,
        "required": held is not None,
        "qr": mark_safe(adapter.build_totp_svg(url)),  # noqa: S308  # nosec B308, B703: qrcode's own SVG of our URL
        "secret": " ".join(secret[i:i + 4] for i in range(0, len(secret), 4)),
    })  # fmt: skip


@require_http_methods(["GET", "POST"])
def recovery_codes(request):
    """A person's recovery codes, shown or made anew on a current code from their app."""
    if not second_factor.has_app(request.user):
        return redirect("second-factor-set-up")
    form = CodeForm(request.POST or None)
    if form.is_valid():
        try:
            how = second_factor.attempt(request, request.user, form.cleaned_data["code"],
                                        recovery=False)  # fmt: skip
        except second_factor.Unreadable:
            how = UNREADABLE
        if how in (second_factor.LOCKED, UNREADABLE):
            form.add_error("code", LOCKED_OUT if how == second_factor.LOCKED else UNREADABLE)
        elif how == second_factor.APP:
            if request.POST.get("action") == "new":
                codes = second_factor.new_recovery_codes(request.user)
            else:
                codes = second_factor.recovery_codes(request.user)
            return render(request, "registration/recovery_codes.html",
                          {"codes": codes, "continue_to": reverse("account"),
                           "new": request.POST.get("action") == "new"})  # fmt: skip
        else:
            form.add_error("code", "That is not the code your app shows now.")
    return render(request, "registration/recovery_codes_ask.html", {
        "form": form, "left": len(second_factor.recovery_codes(request.user)),
    })  # fmt: skip

"""Personal access tokens on the account page (issue 21): make one (shown once), see when
each was last used, revoke one. Rules in api_tokens.py."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from . import api_tokens
from .models import ApiToken


class TokenForm(forms.Form):
    name = forms.CharField(
        label="Name", max_length=100, help_text="What will use it, e.g. “Power BI board pack”."
    )
    days = forms.IntegerField(
        label="Lasts (days)",
        min_value=1,
        max_value=api_tokens.MAX_DAYS,
        initial=api_tokens.DEFAULT_DAYS,
        help_text=f"At most {api_tokens.MAX_DAYS} (a year).",
    )


def tokens_context(request, form=None, made=None):
    now = timezone.now()
    rows = list(ApiToken.objects.filter(user=request.user))
    for row in rows:
        row.state = api_tokens.state(row, now)
    return {"token_form": form or TokenForm(), "api_tokens": rows, "made_token": made}


@never_cache
@require_POST
def token_create(request):
    from .account_views import account_page  # import cycle: the page shows this app's form

    form = TokenForm(request.POST)
    if form.is_valid():
        try:
            row, token = api_tokens.create(
                request.user, form.cleaned_data["name"], form.cleaned_data["days"], request=request
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            # Shown on this answer only, never again (only its digest is kept): not a
            # redirect, and not cached.
            return account_page(request, tokens=tokens_context(request, made=(row, token)))
    return account_page(request, tokens=tokens_context(request, form=form), status=400)


@require_POST
def token_revoke(request, pk):
    row = get_object_or_404(ApiToken, pk=pk, user=request.user)
    if api_tokens.revoke(row, request=request):
        messages.success(request, f"The token “{row.name}” no longer works.")
    return redirect("account")

"""Invitations: a person the PMO imports sets their own password (nobody else ever knows
it), through a link emailed to them that works once and expires. Where single sign-on is
on, the email says how to sign in instead, and carries no link to set a password.

The link is Django's password-reset token under its own salt and lifetime: it is signed
with the person's password hash, so setting a password spends it, and it names the time
it was made, so it lapses after INVITATION_DAYS. Sending and using it are in the audit.
"""

import logging

from celery import shared_task
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.contrib.auth.views import PasswordResetConfirmView
from django.core.mail import send_mail
from django.shortcuts import render
from django.urls import reverse, reverse_lazy
from django.utils.crypto import constant_time_compare
from django.utils.decorators import method_decorator
from django.utils.encoding import force_bytes
from django.utils.http import base36_to_int, urlsafe_base64_encode
from django.views.decorators.http import require_GET

from .. import audit
from ..models import Organisation, User
from ..notifications import compose

logger = logging.getLogger(__name__)


class InvitationTokens(PasswordResetTokenGenerator):
    key_salt = "projects.onboarding.invitations"

    def check_token(self, user, token):
        """As Django's, with the invitation's lifetime rather than a reset link's."""
        if not (user and token) or token.count("-") != 1:
            return False
        try:
            made = base36_to_int(token.split("-")[0])
        except ValueError:
            return False
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, made, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return False
        return self._num_seconds(self._now()) - made <= settings.INVITATION_DAYS * 86400


tokens = InvitationTokens()


def sso_on():
    return bool(settings.OIDC_ISSUER)


def link(person):
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    path = reverse("invitation", args=[uid, tokens.make_token(person)])
    return settings.SITE_URL.rstrip("/") + path


def email(person, by=None):
    """(subject, body) of the person's invitation."""
    return compose(
        "email/invitation.txt",
        person=person,
        by=by,
        organisation=Organisation.current().name,
        sso=sso_on(),
        url=None if sso_on() else link(person),
        sign_in=settings.SITE_URL.rstrip("/") + reverse("login"),
        days=settings.INVITATION_DAYS,
    )


def send_later(person_ids, by_id=None):
    """Queue the invitations (after the import has committed); with the broker down they
    go from here, as other emails do."""
    try:
        send_invitations.delay(list(person_ids), by_id)
    except Exception:
        logger.exception("Could not queue invitations; sending them from here instead")
        send_invitations(list(person_ids), by_id)


def never_signed_in(email):
    """The active people at this address who were invited and never chose a password nor
    signed in: "Forgotten your password?" invites them again."""
    people = User.objects.filter(email__iexact=email.strip(), is_active=True,
                                 last_login__isnull=True)  # fmt: skip
    return [p.pk for p in people if not p.has_usable_password()]


@shared_task(bind=True, max_retries=5, acks_late=True)
def send_invitations(self, person_ids, by_id=None):
    """An invitation to each of the people who still has no password of their own (one
    who set one meanwhile, or has been switched off, gets none)."""
    by = User.objects.filter(pk=by_id).first() if by_id else None
    waiting = User.objects.filter(pk__in=person_ids, is_active=True).exclude(email="")
    left = list(person_ids)
    for person in waiting.order_by("pk"):
        if person.has_usable_password() and not sso_on():
            continue
        subject, body = email(person, by)
        try:
            send_mail(subject, body, None, [person.email])
        except OSError as exc:  # the mail server is down: those not yet sent, later
            raise self.retry(
                args=[left, by_id], exc=exc, countdown=min(600, 30 * 2**self.request.retries)
            ) from exc
        audit.record(
            audit.Kind.INVITATION,
            actor=by,
            obj=person,
            description=f"Invitation sent to {person.email}"
            f"{' (single sign-on)' if sso_on() else ''}.",
        )
        left.remove(person.pk)


@method_decorator(login_not_required, name="dispatch")
class AcceptInvitation(PasswordResetConfirmView):
    """The invitation's page: the person chooses their password, then signs in (with their
    second factor's set-up next, where the organisation asks for one). Django's view keeps
    the token out of the address bar, and so out of any Referer, once it has read it."""

    token_generator = tokens
    template_name = "registration/invitation.html"
    success_url = reverse_lazy("invitation-done")
    reset_url_token = "set-your-password"  # noqa: S105  # nosec B105 (a word in a URL)

    def dispatch(self, *args, **kwargs):
        if sso_on():
            # Nobody sets a password where single sign-on is how people sign in.
            return self.render_to_response({"sso": True, "validlink": False})
        return super().dispatch(*args, **kwargs)

    def get_user(self, uidb64):
        # Switched off since the invitation went: the link is spent (Django's reset view
        # would still set a password, ready for the day the account came back).
        user = super().get_user(uidb64)
        return user if user is not None and user.is_active else None

    def form_valid(self, form):
        response = super().form_valid(form)
        audit.record(
            audit.Kind.INVITATION,
            request=self.request,
            actor=self.user,
            obj=self.user,
            description="Invitation used: password set.",
        )
        return response


@login_not_required
@require_GET
def invitation_done(request):
    return render(request, "registration/invitation_done.html")

"""The PMO's pages about people: handing a leaver's responsibilities over (issue 19), a
subject-access archive of everything Highlight holds about someone, and anonymising a
leaver at once on their request (issue 22)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from . import access, anonymise, audit, handover, subject_access
from .forms import LongSelect
from .models import Organisation, User


class HandOverForm(forms.Form):
    leaver = forms.ModelChoiceField(
        queryset=User.objects.all(), label="Who is leaving",
        help_text="Everything they are responsible for goes to the successor; what they did "
        "stays theirs. They are then switched off.",
    )  # fmt: skip
    successor = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True), label="Who takes over"
    )


@require_http_methods(["GET", "POST"])
def hand_over(request):
    """Choose a leaver and a successor, see every item that would move, then hand over."""
    access.require_pmo(request.user)
    form = HandOverForm(request.POST or request.GET or None)
    preview = None
    if form.is_valid():
        leaver, successor = form.cleaned_data["leaver"], form.cleaned_data["successor"]
        if not handover.may_hand_over(request.user, leaver):
            raise PermissionDenied("An account that reaches the admin is a superuser's.")
        preview = handover.plan(leaver, successor)
        if request.method == "POST":
            if request.POST.get("fingerprint") != handover.fingerprint(preview):
                messages.error(request, "Responsibilities changed since the list below was "
                               "made: look at it again, then hand over.")  # fmt: skip
            elif not preview.errors:
                try:
                    handover.carry_out(preview, by=request.user)
                except ValueError as exc:
                    messages.error(request, str(exc))
                else:
                    messages.success(request, f"{leaver}'s {len(preview.items)} "
                                     f"responsibilities are {successor}'s, and {leaver} is "
                                     "switched off.")  # fmt: skip
                    return redirect("projects:hand-over")
    return render(request, "projects/settings/handover.html", {
        "form": form, "preview": preview,
        "fingerprint": handover.fingerprint(preview) if preview else "",
    })  # fmt: skip


class PersonChoice(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return f"{user} ({user.username})"  # two people may share a name


class SubjectAccessForm(forms.Form):
    person = PersonChoice(
        queryset=User.objects.all(), label="Whose data", widget=LongSelect,
        help_text="Everyone, switched off or not: a leaver may ask too.",
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def subject_access_page(request):
    """Choose a person; the archive downloads, and the audit records who asked for whom."""
    access.require_pmo(request.user)
    form = SubjectAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = form.cleaned_data["person"]
        content = subject_access.archive(person, Organisation.current().name)
        audit.record(audit.Kind.EXPORT, request=request, obj=person,
                     description="Subject-access archive of everything Highlight holds "
                     "about them.")  # fmt: skip
        response = HttpResponse(content, content_type="application/zip")
        name = f"subject-access-{person.pk}-{timezone.localdate():%Y-%m-%d}.zip"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return render(request, "projects/settings/subject_access.html", {"form": form})


class AnonymiseForm(forms.Form):
    person = PersonChoice(
        queryset=User.objects.filter(is_active=False, anonymised_at__isnull=True, is_staff=False,
                                     is_superuser=False).order_by("last_name", "first_name"),
        label="Who asked", widget=LongSelect,
        help_text="Only people switched off are listed: hand their work over first.",
    )  # fmt: skip
    reason = forms.CharField(
        max_length=500, label="Their request",
        help_text="e.g. the date and reference of their request, for the audit.",
    )  # fmt: skip


@require_http_methods(["GET", "POST"])
def anonymise_page(request):
    """Choose a leaver who asked to be forgotten; see what would change; then anonymise."""
    access.require_pmo(request.user)
    # Posted, not asked in the address: the request's reference may name the person.
    form = AnonymiseForm(request.POST or None)
    preview = None
    if form.is_valid():
        person, reason = form.cleaned_data["person"], form.cleaned_data["reason"]
        preview = anonymise.preview_rows(person)
        if request.POST.get("action") == "anonymise":
            if request.POST.get("confirm") != "yes":
                messages.error(request, "Tick the box to say you understand it cannot be undone.")
            else:
                try:
                    new = anonymise.anonymise(person, why=f"on request ({reason})",
                                              by=request.user)  # fmt: skip
                except anonymise.StillHere as refused:
                    messages.error(request, str(refused))
                    return redirect("projects:anonymise")
                messages.success(request, f"{person.username} is now {new}, everywhere.")
                return redirect("projects:anonymise")
    context = {"form": form, "preview": preview, "leaver_days": settings.LEAVER_RETENTION_DAYS}
    return render(request, "projects/settings/anonymise.html", context)

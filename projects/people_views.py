"""The PMO's pages about people: handing a leaver's responsibilities over (issue 19), and
a subject-access archive of everything Highlight holds about someone (issue 22)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from . import access, audit, handover, subject_access
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

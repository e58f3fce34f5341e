"""The PMO's chat channels (/settings/channels/…): where each programme's messages, and
the organisation's, are posted (issue 21; rules in channels.py)."""

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from . import access, audit, channels
from .forms import ChannelHookForm
from .models import ChannelHook, Project


@require_GET
def channel_list(request):
    access.require_pmo(request.user)
    hooks = {hook.programme_id: hook for hook in ChannelHook.objects.all()}
    programmes = Project.objects.filter(kind=Project.Kind.PROGRAMME).order_by("code")
    rows = [(None, hooks.get(None))] + [(p, hooks.get(p.pk)) for p in programmes]
    return render(request, "projects/settings/channels.html", {"rows": rows})


@require_http_methods(["GET", "POST"])
def channel_edit(request, code=None):
    access.require_pmo(request.user)
    programme = None
    if code is not None:
        programme = get_object_or_404(Project, code=code, kind=Project.Kind.PROGRAMME)
    where = str(programme or "The organisation")
    with transaction.atomic():
        hook = ChannelHook.objects.select_for_update().filter(programme=programme).first()
        action = request.POST.get("action") if request.method == "POST" else None
        if action in ("remove", "test") and hook is None:
            messages.error(request, f"{where} has no channel now: nothing was done.")
            return redirect("projects:channel-list")
        if action == "remove":
            audit.record(audit.Kind.CHANNEL, request=request, obj=hook,
                         description=f"Channel removed (it posted to {hook.host}).")  # fmt: skip
            hook.delete()
            messages.success(request, f"{where}'s messages are no longer posted to a channel.")
            return redirect("projects:channel-list")
        if action == "test":
            channels.send_test_message(hook)
            messages.success(request, f"A test message is on its way to {hook.host}.")
            return redirect(request.path)
        form = ChannelHookForm(
            request.POST or None, instance=hook or ChannelHook(programme=programme)
        )
        if request.method == "POST" and form.is_valid() and saved(request, form, where):
            return redirect("projects:channel-list")
    context = {"form": form, "hook": hook, "programme": programme, "where": where}
    return render(request, "projects/settings/channel_form.html", context)


def saved(request, form, where):
    hook = form.save(commit=False)
    hook.changed_by, hook.changed_at = request.user, timezone.now()
    if form.has_changed():
        hook.last_error, hook.last_failed_at = "", None  # a new address starts afresh
    try:
        with transaction.atomic():
            hook.save()
    except IntegrityError:
        form.add_error(None, "Someone set this channel a moment ago: look at it again.")
        return False
    audit.record(audit.Kind.CHANNEL, request=request, obj=hook,
                 description=f"Channel set: {hook.get_kind_display()} at {hook.host}.")  # fmt: skip
    messages.success(request, f"{where}'s messages are posted to {hook.host}.")
    return True

"""The PMO's retention schedule (/settings/retention/…): the rules, what the nightly run will
remove in the next 30 days, and legal holds (issue 22; rules in retention.py)."""

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import access, audit, retention
from .forms.retention import LegalHoldForm, LiftHoldForm, RetentionRuleForm
from .models import AuditEvent, LegalHold, RetentionRule

SHOWN = 50  # records listed under each rule on the page; the rest are counted


@require_GET
def retention_page(request):
    access.require_pmo(request.user)
    return render(request, "projects/settings/retention.html", page_context())


def page_context(hold_form=None):
    coming = []
    for kind, rule, items in retention.coming():
        held = [item for item in items if item.held_by]
        going = [item for item in items if not item.held_by]
        coming.append({"kind": kind, "rule": rule, "going": going[:SHOWN],
                       "more": max(0, len(going) - SHOWN), "going_count": len(going),
                       "held": held[:SHOWN], "held_count": len(held)})  # fmt: skip
    holds = LegalHold.objects.select_related("placed_by", "lifted_by")
    return {
        "coming": coming,
        "any_coming": any(line["going_count"] or line["held_count"] for line in coming),
        "today": timezone.localdate(),
        "days": retention.LOOK_AHEAD_DAYS,
        "notice_days": retention.NOTICE_DAYS,
        "fixed": retention.fixed_lines(),
        "live_holds": holds.filter(lifted_at__isnull=True),
        "lifted_holds": holds.filter(lifted_at__isnull=False).order_by("-lifted_at")[:10],
        "removals": AuditEvent.objects.filter(kind=AuditEvent.Kind.RETENTION)[:10],
        "hold_form": hold_form or LegalHoldForm(),
        "lift_form": LiftHoldForm(),
    }


@require_http_methods(["GET", "POST"])
def retention_rule(request, records):
    access.require_pmo(request.user)
    kinds = {kind.key: (kind, rule) for kind, rule in retention.schedule()}
    if records not in kinds:
        raise Http404
    kind, _rule = kinds[records]
    with transaction.atomic():
        rule = get_object_or_404(RetentionRule.objects.select_for_update(), records=records)
        before = f"{rule.period}{'' if rule.active else ' (not removed)'}"
        form = RetentionRuleForm(request.POST or None, instance=rule)
        if request.method == "POST" and form.is_valid():
            rule = form.save(commit=False)
            rule.changed_by, rule.changed_at = request.user, timezone.now()
            if {"amount", "unit", "active"} & set(form.changed_data):
                rule.in_force_from = timezone.localdate()  # its notice starts again
            rule.save()
            after = f"{rule.period}{'' if rule.active else ' (not removed)'}"
            audit.record(audit.Kind.RETENTION_RULE, request=request,
                         object_type="projects.retentionrule", object_id=str(rule.pk),
                         object_repr=kind.label,
                         description=f"{kind.label}: kept {before} before, {after} now. "
                         f"Why: {rule.reason}"[:4000])  # fmt: skip
            messages.success(request, f"{kind.label}: kept {after} {kind.counted_from}.")
            return redirect("projects:retention")
    context = {"form": form, "kind": kind, "rule": rule}
    return render(request, "projects/settings/retention_rule.html", context)


@require_POST
def legal_hold_place(request):
    access.require_pmo(request.user)
    form = LegalHoldForm(request.POST)
    if form.is_valid():
        target = form.cleaned_data["target"]
        try:
            with transaction.atomic():
                retention.place_hold(target, form.cleaned_data["reason"], request.user, request)
        except IntegrityError:
            form.add_error("target", f"{target} was held a moment ago by someone else.")
        else:
            messages.success(request, f"Nothing under {target} will be removed until the hold "
                                      "is lifted.")  # fmt: skip
            return redirect("projects:retention")
    context = page_context(hold_form=form)
    return render(request, "projects/settings/retention.html", context, status=400)


@require_POST
def legal_hold_lift(request, pk):
    access.require_pmo(request.user)
    hold = get_object_or_404(LegalHold, pk=pk)
    form = LiftHoldForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"The hold on {hold.target_name} is still on: say why it can "
                                "be lifted.")  # fmt: skip
    elif retention.lift_hold(hold, form.cleaned_data["reason"], request.user, request):
        messages.success(request, f"The hold on {hold.target_name} is lifted: the schedule "
                                  "applies to it again.")  # fmt: skip
    else:
        messages.info(request, f"The hold on {hold.target_name} was already lifted.")
    return redirect("projects:retention")

"""A project's plan (issue 20): its milestones, their slippage against the baseline, and
the sponsor's re-baselines. Thin: access and figures are projects.milestones'."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from . import access, milestones
from .forms.plan import MilestoneFormSet, RebaselineForm
from .models import Milestone, Rebaseline


@require_GET
def milestone_list(request, code):
    project, role = access.get_project(request.user, code)
    rows = [(m, milestones.slippage(m))
            for m in project.milestones.select_related("workstream")]  # fmt: skip
    rebaselines = Rebaseline.objects.filter(milestone__project=project).select_related(
        "milestone", "agreed_by", "agreed_for"
    )
    return render(request, "projects/milestones.html", {
        "project": project, "rows": rows, "rebaselines": rebaselines,
        "may_edit": milestones.may_edit(request.user, project),
        "may_rebaseline": milestones.may_rebaseline(request.user, project),
    })  # fmt: skip


@require_http_methods(["GET", "POST"])
def milestone_edit(request, code):
    project, role = access.get_project(request.user, code)
    if not milestones.may_edit(request.user, project):
        raise PermissionDenied
    saved = False
    with transaction.atomic():
        # Held while checked and saved: of two people saving at once, the second is told.
        list(project.milestones.select_for_update())
        formset = MilestoneFormSet(request.POST or None, instance=project, prefix="milestones")
        if request.method == "POST" and formset.is_valid():
            for form in formset.forms:
                form.instance._history_user = request.user
            formset.save()
            saved = True
    if saved:
        messages.success(request, "Milestones saved.")
        return redirect("projects:milestones", project.code)
    return render(request, "projects/milestones_form.html",
                  {"project": project, "formset": formset})  # fmt: skip


@require_http_methods(["GET", "POST"])
def milestone_rebaseline(request, code, pk):
    project, role = access.get_project(request.user, code)
    if not milestones.may_rebaseline(request.user, project):
        raise PermissionDenied
    milestone = get_object_or_404(Milestone, pk=pk, project=project)
    initial = {"new_baseline": milestone.forecast or milestone.baseline}
    form = RebaselineForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            milestones.rebaseline(milestone, form.cleaned_data["new_baseline"],
                                  form.cleaned_data["reason"], request.user)  # fmt: skip
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"“{milestone.name}” re-baselined.")
            return redirect("projects:milestones", project.code)
    return render(request, "projects/milestone_rebaseline.html",
                  {"project": project, "milestone": milestone, "form": form})  # fmt: skip

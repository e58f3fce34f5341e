"""A project's plan (issue 20): its milestones, their slippage against the baseline, and
the sponsor's re-baselines. Thin: access and figures are projects.milestones'."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import access, audit, exports, milestones, upload_pages
from .forms.plan import SAVED_MEANWHILE, MilestoneFormSet, RebaselineForm
from .models import Milestone, Project, Rebaseline
from .onboarding.plan import COLUMNS, MilestoneImporter, milestone_row

IMPORT_INTRO = (
    "Milestones are matched on their name: new ones are added, changed ones updated, and "
    "importing the same file again changes nothing. An agreed baseline is never moved by a "
    "file: the sponsor re-baselines it."
)


@require_GET
def milestone_list(request, code):
    project, role = access.get_project(request.user, code)
    plan = list(project.milestones.select_related("workstream"))
    moved = milestones.moved_since_approved(project, plan)
    rows = [(m, milestones.slippage(m), moved.get(m.pk, "")) for m in plan]
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
    try:
        with transaction.atomic():
            # The project held while checked and saved: of two people saving at once (even
            # the first milestones of an empty plan), the second is checked against the first.
            Project.objects.select_for_update().filter(pk=project.pk).first()
            formset = MilestoneFormSet(request.POST or None, instance=project,
                                       prefix="milestones")  # fmt: skip
            if request.method == "POST" and formset.is_valid():
                for form in formset.forms:
                    form.instance._history_user = request.user
                formset.save()
                saved = True
    except IntegrityError:
        saved = False
        formset._non_form_errors = formset.error_class([SAVED_MEANWHILE])
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


def _editable(request, code):
    project, role = access.get_project(request.user, code)
    if not milestones.may_edit(request.user, project):
        raise PermissionDenied
    return project


def _import_context(project):
    milestones_url = reverse("projects:milestones", args=[project.code])
    statuses = ", ".join(label for _, label in Milestone.Status.choices)
    return {
        "spec": upload_pages.ImportPage(
            f"Import milestones into {project.code}", IMPORT_INTRO,
            f"{', '.join(COLUMNS)} (Status: {statuses}; Key: yes or no).", milestones_url,
            "the milestones"),
        "crumbs": [(project.code, project.get_absolute_url()), ("Milestones", milestones_url)],
        "confirm_url": reverse("projects:milestones-import-confirm", args=[project.code]),
        "export_url": reverse("projects:milestones-export", args=[project.code]),
        "back_url": milestones_url,
    }  # fmt: skip


@require_http_methods(["GET", "POST"])
def milestone_import(request, code):
    project = _editable(request, code)
    form = upload_pages.ImportForm(request.POST or None, request.FILES or None)
    return upload_pages.upload_page(request, MilestoneImporter, project, form,
                                    "projects/settings/import.html", _import_context(project),
                                    ("projects:milestones-import-job", project.code))  # fmt: skip


@require_GET
def milestone_import_job(request, code, job):
    project = _editable(request, code)
    return upload_pages.job_page(
        request,
        MilestoneImporter,
        project,
        job,
        upload_pages.ImportForm(),
        "projects/settings/import.html",
        _import_context(project),
    )


@require_POST
def milestone_import_confirm(request, code):
    project = _editable(request, code)
    pages = (("projects:milestones-import-job", project.code),
             ("projects:milestones-import", project.code))  # fmt: skip
    return upload_pages.confirm_page(request, MilestoneImporter, project, *pages)


@require_GET
def milestone_export(request, code):
    project, role = access.get_project(request.user, code)
    rows = [milestone_row(m) for m in project.milestones.select_related("workstream")]
    response = HttpResponse(exports.table_workbook("Milestones", COLUMNS, rows),
                            content_type=XLSX)  # fmt: skip
    response["Content-Disposition"] = f'attachment; filename="{project.code}-milestones.xlsx"'
    audit.record(
        audit.Kind.EXPORT, request=request, obj=project, description="Milestones as .xlsx."
    )
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

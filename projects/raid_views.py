"""A project's RAID log (issue 20): its issues, actions, decisions, dependencies and
assumptions. Thin: access and rules are projects.raid's."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import access, audit, exports, raid, upload_pages
from .forms.raid import RaidItemForm
from .models import RaidItem
from .onboarding.raid import COLUMNS, RaidImporter, raid_row

SHOWN = {"open": "Open", "all": "All", "overdue": "Overdue"}
IMPORT_INTRO = (
    "A row with a reference (I3, A12, DEP2) is that item: updated if the log has it, added "
    "with that number if not, so the references people already use are kept. A row without "
    "one is matched on its kind and title, or added with the next number. Importing the same "
    "file again changes nothing, and a column the file does not have is left as it is."
)


@require_GET
def raid_list(request, code):
    project, role = access.get_project(request.user, code)
    today = timezone.localdate()
    kind = request.GET.get("kind", "")
    kind = kind if kind in RaidItem.Kind.values else ""
    shown = request.GET.get("shown", "open")
    shown = shown if shown in SHOWN else "open"
    items = project.raid.select_related("owner", "issue", "depends_on").order_by(
        raid.LOG_ORDER, "-priority", "due", "number"
    )
    if kind:
        items = items.filter(kind=kind)
    if shown == "open":
        items = items.exclude(status=RaidItem.Status.CLOSED)
    elif shown == "overdue":
        items = items.exclude(status=RaidItem.Status.CLOSED).filter(due__lt=today)
    rows = [(item, raid.is_overdue(item, today)) for item in items]
    return render(request, "projects/raid.html", {
        "project": project, "rows": rows, "kind": kind, "shown": shown, "shown_choices": SHOWN,
        "kinds": [(value, raid.PLURAL[value]) for value in RaidItem.Kind.values],
        "may_edit": raid.may_edit(request.user, project),
    })  # fmt: skip


def _editable(request, code):
    project, role = access.get_project(request.user, code)
    if not raid.may_edit(request.user, project):
        raise PermissionDenied
    return project


@require_http_methods(["GET", "POST"])
def raid_new(request, code):
    project = _editable(request, code)
    kind = request.GET.get("kind")
    initial = {"raised_on": timezone.localdate(),
               "kind": kind if kind in RaidItem.Kind.values else RaidItem.Kind.ISSUE}  # fmt: skip
    form = RaidItemForm(request.POST or None, project=project, initial=initial)
    if request.method == "POST" and form.is_valid():
        item = raid.add(form.save(commit=False), request.user)
        messages.success(request, f"{item.ref} added to the RAID log.")
        return redirect("projects:raid", project.code)
    return render(request, "projects/raid_form.html", {"project": project, "form": form})


@require_http_methods(["GET", "POST"])
def raid_edit(request, code, pk):
    project = _editable(request, code)
    saved = False
    with transaction.atomic():
        # Held while checked and saved: a save over a change made meanwhile is refused.
        item = get_object_or_404(RaidItem.objects.select_for_update(), pk=pk, project=project)
        form = RaidItemForm(request.POST or None, instance=item, project=project)
        if request.method == "POST" and form.is_valid():
            item._history_user = request.user
            form.save()
            saved = True
    if saved:
        messages.success(request, f"{item.ref} saved.")
        return redirect("projects:raid", project.code)
    return render(request, "projects/raid_form.html",
                  {"project": project, "form": form, "item": item})  # fmt: skip


@require_GET
def raid_export(request, code):
    project, role = access.get_project(request.user, code)
    items = project.raid.select_related("owner", "issue", "depends_on").order_by(
        raid.LOG_ORDER, "number"
    )
    rows = [raid_row(item) for item in items]
    response = HttpResponse(exports.table_workbook("RAID log", COLUMNS, rows),
                            content_type=XLSX)  # fmt: skip
    response["Content-Disposition"] = f'attachment; filename="{project.code}-raid-log.xlsx"'
    audit.record(audit.Kind.EXPORT, request=request, obj=project, description="RAID log as .xlsx.")
    return response


def _import_context(project):
    log_url = reverse("projects:raid", args=[project.code])
    return {
        "spec": upload_pages.ImportPage(
            f"Import RAID items into {project.code}", IMPORT_INTRO,
            f"{', '.join(COLUMNS)}. Title and either Ref or Kind are needed; Owner is a "
            "person's email, username or full name; Issue is an issue's reference; Depends "
            "on is a project's code.", log_url, "the RAID log"),
        "crumbs": [(project.code, project.get_absolute_url()), ("RAID log", log_url)],
        "confirm_url": reverse("projects:raid-import-confirm", args=[project.code]),
        "export_url": reverse("projects:raid-export", args=[project.code]),
        "back_url": log_url,
    }  # fmt: skip


@require_http_methods(["GET", "POST"])
def raid_import(request, code):
    project = _editable(request, code)
    form = upload_pages.ImportForm(request.POST or None, request.FILES or None)
    return upload_pages.upload_page(request, RaidImporter, project, form,
                                    "projects/settings/import.html", _import_context(project),
                                    ("projects:raid-import-job", project.code))  # fmt: skip


@require_GET
def raid_import_job(request, code, job):
    project = _editable(request, code)
    form = upload_pages.ImportForm()
    return upload_pages.job_page(
        request,
        RaidImporter,
        project,
        job,
        form,
        "projects/settings/import.html",
        _import_context(project),
    )


@require_POST
def raid_import_confirm(request, code):
    project = _editable(request, code)
    pages = (("projects:raid-import-job", project.code), ("projects:raid-import", project.code))
    return upload_pages.confirm_page(request, RaidImporter, project, *pages)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

"""The PMO's settings pages (/settings/…): the organisation, its protective markings and
its highlight report templates."""

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import access
from .forms import MarkingForm, OrganisationForm, ReportTemplateForm
from .media import open_media
from .models import Marking, Organisation, ReportTemplate
from .report_templates import SECTIONS


@require_GET
def settings_index(request):
    access.require_pmo(request.user)
    return render(request, "projects/settings/index.html", {"organisation": Organisation.current()})


@require_http_methods(["GET", "POST"])
def organisation_settings(request):
    access.require_pmo(request.user)
    with transaction.atomic():
        # Held until the save commits, so two people saving at once are taken in turn and
        # the second is told the first saved (the form's version check).
        organisation = Organisation.objects.select_for_update().filter(pk=1).first()
        organisation = organisation or Organisation.current()
        form = OrganisationForm(request.POST or None, request.FILES or None, instance=organisation)
        if request.method == "POST" and form.is_valid():
            organisation = form.save()
            replaced = organisation.replaced_logo
            if replaced:
                transaction.on_commit(lambda: organisation.logo.storage.delete(replaced))
            messages.success(request, "The organisation's settings are saved.")
            return redirect("projects:organisation-settings")
    return render(request, "projects/settings/organisation.html", {"form": form})


@require_GET
def organisation_logo(request):
    """The logo for the navigation bar (any signed-in person sees it there)."""
    organisation = Organisation.current()
    if not organisation.logo:
        raise Http404
    try:
        handle = open_media(organisation.logo.name)
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/png")
    # The file's name carries its hash, and the page asks for it by name.
    response["Cache-Control"] = "private, max-age=86400"
    return response


@require_http_methods(["GET", "POST"])
def marking_list(request):
    access.require_pmo(request.user)
    form = MarkingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        marking = form.save()
        messages.success(request, f"{marking} can now be chosen.")
        return redirect("projects:marking-list")
    return render(
        request,
        "projects/settings/markings.html",
        {
            "markings": Marking.objects.all(),
            "form": form,
            "default": Organisation.current().default_marking,
        },
    )


@require_http_methods(["GET", "POST"])
def marking_edit(request, pk):
    access.require_pmo(request.user)
    with transaction.atomic():
        marking = get_object_or_404(Marking.objects.select_for_update(), pk=pk)
        form = MarkingForm(request.POST or None, instance=marking)
        if request.method == "POST" and form.is_valid():
            form.save()
            messages.success(
                request, f"{marking} is saved. Documents carrying it are printed again."
            )
            return redirect("projects:marking-list")
    return render(
        request, "projects/settings/marking_form.html", {"form": form, "marking": marking}
    )


@require_POST
def marking_delete(request, pk):
    access.require_pmo(request.user)
    marking = get_object_or_404(Marking, pk=pk)
    try:
        with transaction.atomic():
            marking.delete()
    except (ProtectedError, IntegrityError):  # in use, or given to something a moment ago
        messages.error(
            request,
            f"{marking} is in use (by the organisation's default or by a project, register "
            "or plan), so it was not removed. Mark those otherwise first.",
        )
    else:
        messages.success(request, f"{marking} was removed.")
    return redirect("projects:marking-list")


@require_GET
def template_list(request):
    access.require_pmo(request.user)
    ReportTemplate.default()  # every database has one to show
    templates = list(ReportTemplate.objects.select_related("programme"))
    for template in templates:
        template.offered_count = sum(
            1 for section in SECTIONS if not section.optional or template.shows(section.key)
        )
    return render(
        request,
        "projects/settings/templates.html",
        {"templates": templates, "sections_total": len(SECTIONS)},
    )


@require_http_methods(["GET", "POST"])
def template_edit(request, pk=None):
    access.require_pmo(request.user)
    with transaction.atomic():
        # Locked until saved: two people saving at once are taken in turn (version check).
        template = (
            get_object_or_404(ReportTemplate.objects.select_for_update(), pk=pk)
            if pk
            else ReportTemplate(name="")
        )
        form = ReportTemplateForm(request.POST or None, instance=template)
        if request.method == "POST" and form.is_valid():
            template = form.save()
            messages.success(request, f"“{template}” is saved. Reports take it from now on.")
            return redirect("projects:template-list")
    return render(
        request, "projects/settings/template_form.html", {"form": form, "template": template}
    )


@require_POST
def template_delete(request, pk):
    access.require_pmo(request.user)
    template = get_object_or_404(ReportTemplate, pk=pk, is_default=False)
    template.delete()
    messages.success(
        request, f"“{template}” was removed: its programme's reports follow the default now."
    )
    return redirect("projects:template-list")

"""Project and programme pages, and the home page."""

from django.contrib import messages
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from . import access, audit, dashboard, portfolio, raid
from .exports import dashboard_workbook
from .forms import REMOVED_MEANWHILE, ManagerProjectForm, ProjectForm, WorkstreamFormSet
from .models import HighlightReport, Project, RagRating
from .periods import previous_month

Status = HighlightReport.Status


@require_GET
def home(request):
    """My actions: reports to write, to fix and to approve, and my projects."""
    user = request.user
    reports = HighlightReport.objects.select_related("project")
    mine = access.writable_reports(user, reports)
    due = portfolio.reports_due_for(user)
    context = {
        "today": timezone.localdate(),
        "due": due,
        "due_report_ids": {d.report.pk for d in due if d.report},
        "to_approve": access.approvable_reports(user, reports)
        .filter(status=Status.SUBMITTED)
        .select_related("project__sponsor", "named_approver"),
        "to_fix": mine.filter(status=Status.RETURNED),
        "to_write": mine.filter(status=Status.DRAFT),
        "awaiting_sponsor": mine.filter(status=Status.SUBMITTED),
        "my_projects": access.team_projects(user).select_related("manager", "sponsor"),
    }
    return render(request, "projects/home.html", context)


@require_GET
def project_list(request):
    projects = Project.objects.select_related("manager", "sponsor", "parent").order_by(
        "status", "code"
    )
    return render(
        request,
        "projects/project_list.html",
        {"projects": projects, "can_create": access.can_create_project(request.user)},
    )


def _with_ratings(reports):
    """Prefetch each report's ratings so lists show RAG without a query per row."""
    return reports.prefetch_related(
        Prefetch("ratings", queryset=RagRating.objects.select_related("dimension", "status"))
    )


@require_GET
def project_detail(request, code):
    project, role = access.get_project(request.user, code)
    reports = access.visible_reports(request.user, project.reports.all())
    reports = _with_ratings(reports.select_related("approved_by", "approved_for"))
    context = {
        "project": project,
        "role": role,
        "reports": reports,
        "workstreams": project.workstreams.all(),
        "can_edit_project": access.can_edit_project(request.user, project),
        # Flagged where everyone looks: actions past their due date (issue 20).
        "overdue_actions": raid.overdue_actions(project),
    }
    if project.kind == Project.Kind.PROGRAMME:
        context["children"] = portfolio.latest_status(
            project.children.select_related("manager", "sponsor"), request.user
        )
    return render(request, "projects/project_detail.html", context)


def _project_form(request, project, template):
    form_class = ProjectForm if access.can_configure_project(request.user) else ManagerProjectForm
    saved = None
    try:
        with transaction.atomic():
            if project.pk:
                # Held while checked and saved: of two people saving at once, the second
                # is told the first saved (the form's digest of what they saw).
                Project.objects.select_for_update().filter(pk=project.pk).first()
            form = form_class(request.POST or None, instance=project)
            workstreams = WorkstreamFormSet(
                request.POST or None, instance=project, prefix="workstreams"
            )
            if request.method == "POST" and form.is_valid() and workstreams.is_valid():
                saved = form.save()
                workstreams.instance = saved
                workstreams.save()
    except IntegrityError:
        saved = None
        form.add_error(None, REMOVED_MEANWHILE)
    if saved:
        messages.success(request, f"{saved.code} saved.")
        return redirect(saved)
    if project.pk:
        # A refused form has already written what was typed (a code, say) onto the
        # instance; the page's links and heading are for the project as it is stored.
        project = Project.objects.get(pk=project.pk)
    return render(request, template, {"project": project, "form": form, "workstreams": workstreams})


@require_http_methods(["GET", "POST"])
def project_create(request):
    access.require_pmo(request.user)
    return _project_form(request, Project(), "projects/project_form.html")


@require_http_methods(["GET", "POST"])
def project_edit(request, code):
    project = access.get_project_to_edit(request.user, code)
    return _project_form(request, project, "projects/project_form.html")


def _dashboard_selection(request):
    month_form = dashboard.MonthForm(request.GET or None)
    month = (month_form.is_valid() and month_form.cleaned_data["month"]) or previous_month(
        timezone.localdate()
    )
    filters = dashboard.DashboardFilter(request.GET or None)
    return month_form, filters, month, dashboard.selected_projects(filters, month)


@require_GET
def dashboard_page(request):
    """The same for everyone who may see it, so its body is cached (dashboard.cache_key)
    until a change it shows is saved: most requests cost a cache read."""
    key = dashboard.cache_key("page", request.GET, timezone.localdate())
    content = cache.get(key)
    if content is None:
        month_form, filters, month, projects = _dashboard_selection(request)
        page = Paginator(projects, dashboard.PAGE_SIZE).get_page(request.GET.get("page"))
        query = request.GET.copy()
        query.pop("page", None)
        content = render_to_string(
            "projects/_dashboard.html",
            {
                "month_form": month_form,
                "filters": filters,
                "page": page,
                "position": dashboard.position(page.object_list, month),
                "programmes": dashboard.programme_punctuality(month, timezone.localdate()),
                "query": query.urlencode(),
            },
        )
        cache.set(key, content, dashboard.CACHE_SECONDS)
    return render(request, "projects/dashboard.html", {"content": content})


@require_GET
def dashboard_export(request):
    """The selection on the dashboard (every page of it) as an .xlsx workbook."""
    month_form, filters, month, projects = _dashboard_selection(request)
    described = f"Filters: {dashboard.describe(filters)}"
    content = dashboard_workbook(dashboard.position(projects, month), described)
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="portfolio-{month:%Y-%m}.xlsx"'
    audit.record(
        audit.Kind.EXPORT,
        request=request,
        object_repr=f"Dashboard for {month:%m/%Y}",
        description=f"Dashboard as .xlsx. {described}.",
    )
    return response

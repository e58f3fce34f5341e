from django.contrib import messages
from django.db.models import Prefetch, Q
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reports import services as documents
from reports.models import Document

from . import access, workflow
from .forms import ConcernFormSet, NewReportForm, RagRatingFormSet, ReportForm
from .models import HighlightReport, Project, RagRating
from .reporting import ReportExists, StaleReport, create_report, previous_ratings, save_report

Status = HighlightReport.Status


def _with_overall(reports):
    """Prefetch each report's ratings so lists can show the Overall RAG without a query per row."""
    return reports.prefetch_related(
        Prefetch("ratings", queryset=RagRating.objects.select_related("dimension", "status"))
    )


@require_GET
def home(request):
    """My actions: what is waiting for me, and my projects."""
    user = request.user
    mine = Q(project__manager=user) | Q(project__editors=user)
    if access.is_pmo(user):
        mine = Q()
    reports = HighlightReport.objects.select_related("project")
    context = {
        "to_approve": reports.filter(project__sponsor=user, status=Status.SUBMITTED),
        "to_finish": reports.filter(mine, status__in=(Status.DRAFT, Status.RETURNED)).distinct(),
        "awaiting_sponsor": reports.filter(mine, status=Status.SUBMITTED).distinct(),
        "my_projects": Project.objects.filter(Q(manager=user) | Q(sponsor=user) | Q(editors=user))
        .select_related("manager", "sponsor")
        .distinct(),
    }
    return render(request, "projects/home.html", context)


@require_GET
def project_list(request):
    projects = Project.objects.select_related("manager", "sponsor", "parent").order_by(
        "status", "code"
    )
    return render(request, "projects/project_list.html", {"projects": projects})


@require_GET
def project_detail(request, code):
    project, role = access.get_project(request.user, code)
    reports = access.visible_reports(request.user, project.reports.all())
    reports = _with_overall(reports.select_related("approved_by"))
    return render(
        request,
        "projects/project_detail.html",
        {"project": project, "role": role, "reports": reports},
    )


@require_http_methods(["GET", "POST"])
def report_create(request, code):
    project, role = access.get_project_for(request.user, code, "edit")
    form = NewReportForm(request.POST or None)
    if form.is_valid():
        try:
            report = create_report(
                project, form.cleaned_data["period_start"], form.cleaned_data["period_end"]
            )
        except ReportExists as exc:
            form.add_error("period_start", str(exc))
        else:
            messages.success(request, f"Draft report for {report.period_label} started.")
            return redirect("projects:report-edit", project.code, report.period_slug)
    return render(request, "projects/report_new.html", {"project": project, "form": form})


def _ratings_with_previous(report, ratings):
    previous = previous_ratings(report)
    return [(rating, previous.get(rating.dimension_id)) for rating in ratings]


@require_GET
def report_detail(request, code, month):
    report, role = access.get_report(request.user, code, month)
    ratings = report.ratings.select_related("dimension", "status")
    context = {
        "report": report,
        "project": report.project,
        "role": role,
        "ratings": _ratings_with_previous(report, ratings),
        "concerns": report.concerns.all(),
        "document": documents.latest_document_for(report),
    }
    return render(request, "projects/report_detail.html", context)


@require_http_methods(["GET", "POST"])
def report_edit(request, code, month):
    report, role = access.get_report(request.user, code, month, "edit")
    if not report.is_editable:
        messages.error(
            request,
            f"This report is {report.get_status_display().lower()}, so it cannot be edited.",
        )
        return redirect(report)
    data = request.POST or None
    form = ReportForm(data, instance=report)
    ratings = RagRatingFormSet(
        data,
        instance=report,
        prefix="ratings",
        queryset=report.ratings.select_related("dimension", "status"),
    )
    concerns = ConcernFormSet(data, instance=report, prefix="concerns")
    stale = False
    if request.method == "POST" and all(f.is_valid() for f in (form, ratings, concerns)):
        try:
            save_report(form, [ratings, concerns], form.cleaned_data["version"])
        except StaleReport:
            stale = True
            messages.error(
                request,
                "Someone else changed this report after you opened it, so your changes "
                "were not saved. They are still in the form below: open the report in a "
                "new tab to see the latest version, then copy your changes across.",
            )
        else:
            messages.success(request, "Report saved.")
            return redirect(report)
    previous = previous_ratings(report)
    rating_rows = [(f, previous.get(f.instance.dimension_id)) for f in ratings.forms]
    return render(
        request,
        "projects/report_form.html",
        {
            "report": report,
            "project": report.project,
            "form": form,
            "ratings": ratings,
            "rating_rows": rating_rows,
            "concerns": concerns,
            "stale": stale,
        },
        status=409 if stale else 200,
    )


TRANSITIONS = {
    "submit": (workflow.submit, False, "Report submitted to the sponsor."),
    "withdraw": (workflow.withdraw, False, "Report withdrawn to draft."),
    "approve": (workflow.approve, False, "Report approved."),
    "return": (workflow.return_to_manager, True, "Report returned to the project manager."),
    "reopen": (workflow.reopen, True, "Report reopened; the sponsor must approve it again."),
}


@require_POST
def report_transition(request, code, month, action):
    report, role = access.get_report(request.user, code, month, action)
    transition, needs_comment, done = TRANSITIONS[action]
    try:
        if needs_comment:
            transition(report, request.user, request.POST.get("comment", ""))
        else:
            transition(report, request.user)
    except workflow.TransitionNotAllowed as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect(report)


@require_POST
def report_pdf(request, code, month):
    report, role = access.get_report(request.user, code, month)
    kind = Document.Kind.HIGHLIGHT_REPORT
    document = documents.request_document(
        kind, {"project": report.project.code, "period": report.period_slug}, request.user
    )
    if request.htmx:
        return render(request, "reports/_document_status.html", {"document": document})
    return redirect(document)

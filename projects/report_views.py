"""Highlight report pages: read, create, carry forward, edit, move through the workflow,
history and PDF."""

from django.contrib import messages
from django.db import IntegrityError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reports import services

from . import access, finance, history, workflow
from .documents import request_pdf, shown_pdf
from .forms import (
    ConcernFormSet,
    DeliverableFormSet,
    NameApproverForm,
    NewReportForm,
    RagRatingFormSet,
    ReportForm,
    WorkstreamProgressFormSet,
    within_text_limit,
)
from .forms.money import SAVED_MEANWHILE, ReportMoneyFormSet
from .models import HighlightReport
from .reporting import (
    ReportExists,
    StaleReport,
    add_missing_workstreams,
    create_report,
    live_suggestions,
    previous_ratings,
    save_report,
    start_next_report,
    unexplained,
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
            report.writers.add(request.user)  # starting it is writing it: they may not approve
            messages.success(request, f"Draft report for {report.period_label} started.")
            return redirect("projects:report-edit", project.code, report.period_slug)
    return render(request, "projects/report_new.html", {"project": project, "form": form})


@require_POST
def report_next(request, code):
    project, role = access.get_project_for(request.user, code, "edit")
    try:
        report = start_next_report(project)
    except ReportExists as exc:
        messages.error(request, str(exc))
        return redirect(project)
    report.writers.add(request.user)
    messages.success(
        request,
        f"Draft for {report.period_label} started from the last report: its plan, open "
        "concerns, unfinished deliverables and RAG statuses carried over.",
    )
    return redirect("projects:report-edit", project.code, report.period_slug)


@require_GET
def report_detail(request, code, month):
    """The report as its PDF prints it (for an approved report, the frozen snapshot), with
    the actions the user may take."""
    report, role = access.get_report(request.user, code, month)
    actions = workflow.available_actions(report, role)
    data = services.report_contents(report)
    # What submitting would refuse, for those who can put it right; read from what the page
    # shows (the live data, while the report can be edited) rather than queried again.
    lines = [
        (line["dimension"], line["comment_needed"], line["comment"]) for line in data["ratings"]
    ]
    context = {
        "report": report,
        "project": report.project,
        "role": role,
        "actions": actions,
        "data": data,
        "document": shown_pdf("highlight_report", report, request.user),
        "missing_comments": unexplained(lines) if "edit" in actions else [],
        **_approver(report, role, actions),
    }
    return render(request, "projects/report_detail.html", context)


def _approver(report, role, actions):
    """Who approves this report, and why not the sponsor where they may not; the PMO gets the
    form to name someone else."""
    blocked = access.sponsor_may_not_approve(report) if report.status != "approved" else ""
    form = NameApproverForm(report=report) if "name_approver" in actions else None
    return {"sponsor_blocked": blocked, "approver_form": form}


@require_POST
def report_name_approver(request, code, month):
    report, role = access.get_report(request.user, code, month, "name_approver")
    form = NameApproverForm(request.POST, report=report)
    if not form.is_valid():
        errors = "; ".join(e for field in form.errors.values() for e in field)
        messages.error(request, f"No approver was named: {errors}")
        return redirect(report)
    approver = form.cleaned_data["approver"]
    report.version = form.cleaned_data["version"]  # checked under lock, as for transitions
    try:
        workflow.name_approver(report, request.user, approver)
    except workflow.TransitionNotAllowed as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"{approver} is named to approve this report, and told so.")
    return redirect(report)


STALE_MESSAGE = (
    "{who} changed this report after you opened it, so your changes were not saved. "
    "They are still in the form below: open the report in a new tab to see the latest "
    "version, then copy your changes across."
)


def stale_message(report):
    current = HighlightReport.objects.get(pk=report.pk)
    who = history.last_change(current)
    if current.is_editable:
        return STALE_MESSAGE.format(who=who)
    return (
        f"This report was {current.get_status_display().lower()} after you opened it ({who}), "
        "so your changes were not saved. They are still in the form below for you to copy; "
        "it must be returned or reopened before it can be changed again."
    )


@require_http_methods(["GET", "POST"])
def report_edit(request, code, month):
    report, role = access.get_report(request.user, code, month, "edit")
    # A save posted after the report was submitted or approved is refused in save_report,
    # with what was typed shown again: only opening the form is turned away here.
    if request.method == "GET" and not report.is_editable:
        messages.error(
            request,
            f"This report is {report.get_status_display().lower()}, so it cannot be edited.",
        )
        return redirect(report)
    if request.method == "GET":
        add_missing_workstreams(report)
    data = request.POST or None
    previous = previous_ratings(report)
    form = ReportForm(data, instance=report)
    money = _money_formset(request, report)
    formsets = _report_formsets(data, report, form, previous, _suggestions(report, money))
    ratings, workstreams, deliverables, concerns = formsets
    stale = False
    money_valid = not money.is_bound or money.is_valid()
    valid = request.method == "POST" and all(f.is_valid() for f in (form, *formsets))
    if valid and money_valid and within_text_limit(form, formsets):
        saved_too = [money] if money.is_bound else []
        try:
            save_report(form, [*formsets, *saved_too], form.cleaned_data["version"],
                        writer=request.user)  # fmt: skip
        except StaleReport:
            stale = True
            messages.error(request, stale_message(report))
        except IntegrityError:  # a money line added on the Money page at the same moment
            stale = True
            messages.error(request, SAVED_MEANWHILE)
        else:
            messages.success(request, "Report saved.")
            return redirect(report)
    context = {
        "report": report,
        "project": report.project,
        "form": form,
        "ratings": ratings,
        "rating_rows": [(f, previous.get(f.instance.dimension_id)) for f in ratings.forms],
        "workstreams": workstreams,
        "deliverables": deliverables,
        "concerns": concerns,
        "money": money,
        "money_year": finance.year_label(finance.report_years(report)[0]),
        "may_edit_money": finance.may_edit(request.user, report.project),
    }
    return render(request, "projects/report_form.html", context, status=409 if stale else 200)


def _money_formset(request, report):
    """The project's money from the report's financial year on: spend and forecast are
    updated with each report (the Money page adds years and budgets)."""
    year = finance.report_years(report)[0]
    # A form without the money lines (a page opened before the project had any) saves the
    # rest and leaves the money as it is.
    posted = request.POST if "money-TOTAL_FORMS" in request.POST else None
    return ReportMoneyFormSet(
        posted, instance=report.project, prefix="money", user=request.user,
        queryset=report.project.finance.filter(year__gte=year), this_year=year,
    )  # fmt: skip


def _suggestions(report, money):
    """What the tolerances suggest, from the figures as typed when they are valid (the
    manager may be correcting them in this very save), else as stored."""
    if money.is_bound and not money.is_valid():
        return live_suggestions(report)
    return live_suggestions(report, [f.instance for f in money.forms])


def _report_formsets(data, report, form, previous, suggested):
    """The report's RAG lines, workstream progress, deliverables and concerns."""
    ratings = RagRatingFormSet(
        data, instance=report, prefix="ratings", previous=previous, suggested=suggested,
        queryset=report.ratings.select_related("dimension", "status"),
    )  # fmt: skip
    workstreams = WorkstreamProgressFormSet(
        data, instance=report, prefix="workstreams", form_kwargs={"headings": form.headings},
        queryset=report.workstream_progress.select_related("workstream"),
    )  # fmt: skip
    deliverables = DeliverableFormSet(data, instance=report, prefix="deliverables")
    concerns = ConcernFormSet(data, instance=report, prefix="concerns")
    for key, formset in (("deliverables", deliverables), ("concerns", concerns)):
        if key not in form.offered:
            formset.extra = 0  # a hidden section posts no empty rows to fill in
    return [ratings, workstreams, deliverables, concerns]


VERSION_MISSING = (
    "Nothing was done: the request did not say which version of the report you saw. Look "
    "at the report as it is now, then {action} it from its page."
)

TRANSITIONS = {
    "submit": (workflow.submit, False, "Report submitted to the sponsor."),
    "withdraw": (workflow.withdraw, False, "Report withdrawn to draft."),
    "approve": (workflow.approve, False, "Report approved. Its PDF is being made."),
    "return": (workflow.return_to_manager, True, "Report returned to the project manager."),
    "reopen": (workflow.reopen, True, "Report reopened; the sponsor must approve it again."),
}


@require_POST
def report_transition(request, code, month, action):
    report, role = access.get_report(request.user, code, month, action)
    transition, needs_comment, done = TRANSITIONS[action]
    # The version on the user's screen, checked under lock. Without it the step would be
    # taken on whatever the report has become since (an edit, a withdrawal): refused.
    try:
        report.version = int(request.POST["version"])
    except (KeyError, ValueError):
        messages.error(request, VERSION_MISSING.format(action=action))
        return redirect(report)
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
    return request_pdf(request, "highlight_report", report)


@require_GET
def report_history(request, code, month):
    report = access.get_report_history(request.user, code, month)
    return render(
        request,
        "projects/report_history.html",
        {"report": report, "project": report.project, "changes": history.report_changes(report)},
    )

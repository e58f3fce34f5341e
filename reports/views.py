import datetime
import logging

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from businessplan.access import visible_plans
from projects import audit
from projects.media import open_media
from projects.periods import previous_month
from risks.access import readable_registers

from . import access, runs, services
from .forms import DocumentRequestForm, RunMonthForm
from .kinds import SourceMissing
from .models import Document
from .tasks import monthly_reporting_run

logger = logging.getLogger(__name__)

PAGE_SIZE = 50


class QueueDidNotAnswer(Exception):
    pass


def whole_minute_after(moment):
    """The local time, rounded up to the minute: "from 10:05" must not be past already."""
    moment = timezone.localtime(moment)
    whole = moment.replace(second=0, microsecond=0)
    return whole if whole == moment else whole + datetime.timedelta(minutes=1)


def _request_form(request, data=None):
    return DocumentRequestForm(
        data,
        registers=readable_registers(request.user).values_list("slug", "name"),
        plans=visible_plans(request.user),
    )


def tell_requested(request, document, done):
    document.refresh_from_db(fields=["status", "unsent_since"])
    if document.status == Document.Status.QUEUED and document.unsent_since:
        messages.warning(request, f"{done} {Document.WAITING_FOR_SERVICE}")
    else:
        messages.success(request, done)


@require_http_methods(["GET", "POST"])
def document_list(request):
    """Every document the user may see, newest first, with a form to ask for another; the
    list refreshes itself while any document is still being made."""
    form = _request_form(request, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = services.request_document(
                form.cleaned_data["kind"], form.params(), request.user
            )
        except SourceMissing as exc:
            form.add_error(None, str(exc))
        except PermissionDenied:
            form.add_error(None, "You may not read what that document would print.")
        else:
            tell_requested(request, document, f"{document} requested.")
            return redirect("reports:document-list")
    page = Paginator(access.visible_documents(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "documents": page,
        "page": page,
        "form": form,
        "polling": any(not d.is_finished for d in page),
        "sees_every_document": access.sees_every_document(request.user),
        **_monthly_run(request),
    }
    template = "reports/_document_table.html" if request.htmx else "reports/document_list.html"
    return render(request, template, context)


def _monthly_run(request, form=None):
    """The PMO's panel: how the latest run is going, and a form to start one."""
    if request.htmx or not access.may_run_month(request.user):
        return {}
    last_month = previous_month(timezone.localdate())
    form = form or RunMonthForm(initial={"period": last_month})
    return {"run_form": form, "run_progress": runs.latest_progress()}


@require_POST
def monthly_run_start(request):
    """Start a month's run now: the workers ask for its documents, as on the run day."""
    if not access.may_run_month(request.user):
        raise PermissionDenied
    form = RunMonthForm(request.POST)
    if not form.is_valid():
        errors = "; ".join(e for field in form.errors.values() for e in field)
        messages.error(request, f"No run was started: {errors}")
        return redirect("reports:document-list")
    period = form.cleaned_data["period"]

    def send():
        try:
            monthly_reporting_run.apply_async(kwargs={"force": True, "period": period.isoformat()})
        except Exception as exc:  # the broker's errors vary with the transport
            raise QueueDidNotAnswer from exc

    def started(run):
        audit.record(audit.Kind.MONTHLY_RUN, request=request, obj=run,
                     description=f"Run it now for {period:%B %Y}.")  # fmt: skip

    try:
        runs.start_by_hand(period, send, started)
    except runs.StartedMoments as moments:
        messages.warning(
            request,
            f"The run for {period:%B %Y} was started moments ago: its documents appear below "
            f"as the workers ask for them. It can be started again from "
            f"{whole_minute_after(moments.again_at):%H:%M}.",
        )
    except QueueDidNotAnswer:
        logger.exception("Could not queue the monthly run for %s", period)
        audit.record(audit.Kind.MONTHLY_RUN, request=request, outcome=audit.Outcome.FAILURE,
                     description=f"Run it now for {period:%B %Y}: the workers' queue did not "
                     "answer, so it did not start.")  # fmt: skip
        messages.error(
            request,
            "No run was started: the workers' queue did not answer. Try again in a few minutes.",
        )
    else:
        messages.success(
            request,
            f"The run for {period:%B %Y} has started: its documents appear below as the workers "
            "ask for them. The directors are told once, when the month's are first all done.",
        )
    return redirect("reports:document-list")


@require_GET
def document_detail(request, pk):
    document = access.get_document(request.user, pk)
    template = "reports/_document_status.html" if request.htmx else "reports/document_detail.html"
    return render(request, template, {"document": document})


@require_POST
def document_retry(request, pk):
    """Ask again for a document that failed (a failed document never blocks a new one)."""
    document = access.get_document(request.user, pk)
    if document.status != Document.Status.FAILED:
        messages.error(request, "Only a failed document can be retried.")
        return redirect("reports:document-list")
    try:
        again = services.request_document(document.kind, document.params, request.user)
    except (SourceMissing, PermissionDenied) as exc:
        messages.error(request, f"It cannot be made again: {exc or 'not allowed'}.")
    else:
        # The monthly run waits for the new one, not the failed one.
        for run in document.runs.all():
            run.documents.remove(document)
            run.documents.add(again)
        tell_requested(request, again, f"{again} requested again.")
    return redirect("reports:document-list")


@require_GET
def document_download(request, pk):
    document = access.get_document(request.user, pk)
    if document.status != document.Status.DONE or not document.file:
        raise Http404("This document is not ready.")
    try:
        handle = open_media(document.file.name)
    except FileNotFoundError:
        raise Http404("The file of this document is missing.") from None
    audit.record(audit.Kind.DOWNLOAD, request=request, obj=document, description=document.filename)
    return FileResponse(
        handle, as_attachment=True, filename=document.filename, content_type="application/pdf"
    )

"""The monthly reporting run: every approved highlight report of the month, each risk
register, and a board pack per programme and for the portfolio, rendered by the workers;
then the directors are told. Running it again for the same month renders only what changed
(request_document reuses a document whose source data is unchanged)."""

import datetime

from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from projects.models import HighlightReport, Project
from projects.periods import month_end
from risks.models import RiskRegister

from .models import Document, MonthlyRun, ReportingRun
from .notices import notify_if_ready
from .services import request_document


def run_month(period, config=None):
    """Ask for the month's documents; returns the ReportingRun."""
    config = config or MonthlyRun.current()
    period = period.replace(day=1)
    requests = []
    if config.highlight_reports:
        for report in HighlightReport.objects.filter(
            status=HighlightReport.Status.APPROVED,
            period_start__lte=month_end(period),
            period_end__gte=period,
        ).select_related("project"):
            requests.append(
                (
                    "highlight_report",
                    {"project": report.project.code, "period": period.strftime("%Y-%m")},
                )
            )
    if config.risk_registers:
        requests += [
            ("risk_register", {"register": slug})
            for slug in RiskRegister.objects.values_list("slug", flat=True)
        ]
    programmes = list(config.programmes.all()) if config.pk else []
    if not programmes:
        programmes = list(
            Project.objects.filter(kind=Project.Kind.PROGRAMME, status=Project.Status.ACTIVE)
        )
    cover = config.pack_meeting(timezone.localdate())
    requests += [
        ("board_pack", {"programme": p.code, "period": period.strftime("%Y-%m"), **cover})
        for p in programmes
    ]
    if config.portfolio_pack:
        requests.append(
            ("board_pack", {"programme": "", "period": period.strftime("%Y-%m"), **cover})
        )
    with transaction.atomic():
        run, _ = ReportingRun.objects.get_or_create(period=period)
        # The run's documents are this month's latest: a re-run after a change swaps in the
        # re-rendered ones and keeps the rest.
        run.documents.set([request_document(kind, params, None) for kind, params in requests])
        run.save()  # last_run_at
    transaction.on_commit(lambda: notify_if_ready(run.pk))
    return run


# A month's run started by hand is not started again this soon: two PMOs pressing Run it now
# together would each have every document asked for (23 s of a worker at 1,000 projects).
RESTART_AFTER = datetime.timedelta(minutes=5)


class StartedMoments(Exception):
    def __init__(self, again_at):
        super().__init__(again_at)
        self.again_at = again_at


def start_by_hand(period, send, started):
    """Start `period`'s run with `send()` (which queues it; in-process it runs the whole
    month); returns its ReportingRun. Raises StartedMoments, and sends nothing, if the run
    was started, or asked for its documents, within RESTART_AFTER.

    The month is claimed in a short transaction, the row locked while deciding, so of two
    PMOs at once one is refused; `started(run)` (the audit) is written in it. The message is
    sent after the commit, so a broker that hangs holds no lock; if it fails, the claim is
    undone and the exception goes on."""
    now = timezone.now()
    with transaction.atomic():
        run, created = ReportingRun.objects.select_for_update().get_or_create(period=period)
        before = None if created else run.last_run_at
        if before and before > now - RESTART_AFTER:
            raise StartedMoments(before + RESTART_AFTER)
        run.save()  # last_run_at: started now
        started(run)
    try:
        send()
    except Exception:
        if created:
            ReportingRun.objects.filter(pk=run.pk, documents__isnull=True).delete()
        else:
            ReportingRun.objects.filter(pk=run.pk).update(last_run_at=before)
        raise
    return run


def latest_progress():
    """The newest run and how far its documents have got: {"run", "done", "failed",
    "waiting", "total"}, or None before the first run."""
    run = ReportingRun.objects.order_by("-last_run_at").first()
    if run is None:
        return None
    counts = dict(
        run.documents.order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    done, failed = counts.get(Document.Status.DONE, 0), counts.get(Document.Status.FAILED, 0)
    total = sum(counts.values())
    return {"run": run, "done": done, "failed": failed, "waiting": total - done - failed,
            "total": total}  # fmt: skip

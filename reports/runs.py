"""The monthly reporting run: every approved highlight report of the month, each risk
register, and a board pack per programme and for the portfolio, rendered by the workers;
then the directors are told. Running it again for the same month renders only what changed
(request_document reuses a document whose source data is unchanged)."""

import logging

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from projects.access import DIRECTORS
from projects.models import HighlightReport, Project, month_end

from .models import Document, MonthlyRun, ReportingRun
from .services import request_document

logger = logging.getLogger(__name__)


def settings_for_run():
    return MonthlyRun.objects.prefetch_related("programmes", "notify").first() or MonthlyRun()


def run_month(period, config=None):
    """Ask for the month's documents; returns the ReportingRun."""
    config = config or settings_for_run()
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
        from risks.models import RiskRegister

        requests += [
            ("risk_register", {"register": slug})
            for slug in RiskRegister.objects.values_list("slug", flat=True)
        ]
    programmes = list(config.programmes.all()) if config.pk else []
    if not programmes:
        programmes = list(
            Project.objects.filter(kind=Project.Kind.PROGRAMME, status=Project.Status.ACTIVE)
        )
    requests += [
        ("board_pack", {"programme": p.code, "period": period.strftime("%Y-%m")})
        for p in programmes
    ]
    if config.portfolio_pack:
        requests.append(("board_pack", {"programme": "", "period": period.strftime("%Y-%m")}))
    with transaction.atomic():
        run, _ = ReportingRun.objects.get_or_create(period=period)
        # The run's documents are this month's latest: a re-run after a change swaps in the
        # re-rendered ones and keeps the rest.
        run.documents.set([request_document(kind, params, None) for kind, params in requests])
        run.save()  # last_run_at
    transaction.on_commit(lambda: notify_if_ready(run.pk))
    return run


def notify_if_ready(run_id):
    """Tell the directors (or the run's chosen people) once every document of the run is
    done; each run tells them once."""
    run = ReportingRun.objects.filter(pk=run_id, notified_at__isnull=True).first()
    if run is None:
        return False
    documents = list(run.documents.all())
    if not documents or any(d.status != Document.Status.DONE for d in documents):
        return False
    if not ReportingRun.objects.filter(pk=run.pk, notified_at__isnull=True).update(
        notified_at=timezone.now()
    ):
        return False  # another worker told them a moment ago
    config = settings_for_run()
    people = list(config.notify.all()) if config.pk else []
    if not people:
        people = list(get_user_model().objects.filter(groups__name=DIRECTORS, is_active=True))
    addresses = sorted({p.email for p in people if p.email})
    if addresses:
        from django.conf import settings

        body = render_to_string("email/run_ready.txt", {
            "run": run, "documents": documents, "site_url": settings.SITE_URL.rstrip("/"),
        })  # fmt: skip
        subject, _, body = body.strip().partition("\n")
        send_mail(subject.strip(), body.strip(), None, addresses)
    return True

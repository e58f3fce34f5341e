"""Telling people that a monthly run's documents are ready."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone

from projects import markings
from projects.access import DIRECTORS
from projects.models import Marking
from projects.notifications import signature

from .models import Document, MonthlyRun, ReportingRun


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
    config = MonthlyRun.current()
    people = list(config.notify.all()) if config.pk else []
    if not people:
        people = list(get_user_model().objects.filter(groups__name=DIRECTORS, is_active=True))
    addresses = sorted({p.email for p in people if p.email})
    if addresses:
        body = render_to_string("email/run_ready.txt", {
            "run": run, "documents": documents, "site_url": settings.SITE_URL.rstrip("/"),
            "signature": signature(),
        })  # fmt: skip
        subject, _, body = body.strip().partition("\n")
        subject = markings.subject(highest_marking(documents), subject.strip())
        send_mail(subject, body.strip(), None, addresses)
    return True


def highest_marking(documents):
    """The most protective marking printed on any of the documents."""
    names = {d.marking for d in documents if d.marking}
    # None found (the list has changed since): the highest anything carries now.
    return markings.highest(Marking.objects.filter(name__in=names)) or markings.in_use()

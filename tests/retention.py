"""Helpers for the retention schedule's tests (issue 22): records made as old as a test
needs, and the nightly run with its on-commit file removals carried out."""

import datetime
from pathlib import Path

from django.core.files.base import ContentFile
from django.utils import timezone

from projects import retention, workflow
from projects.models import Project
from reports.models import Document
from tests.factories import ReportFactory

TODAY = timezone.localdate()


def years_ago(years, days=0):
    return TODAY.replace(year=TODAY.year - years) - datetime.timedelta(days=days)


def ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def closed(project, on):
    project.status = Project.Status.CLOSED
    project.save()
    Project.objects.filter(pk=project.pk).update(closed_on=on)
    project.refresh_from_db()
    return project


def approved_report(project, month, manager, sponsor, capture):
    report = ReportFactory(project=project, period_start=month, rated=True)
    workflow.submit(report, manager)
    with capture(execute=True):
        workflow.approve(report, sponsor)
    report.refresh_from_db()
    return report


def document(kind, source=None, made=None, name="doc.pdf", fingerprint="f" * 64, **params):
    made = made or timezone.now()
    doc = Document(kind=kind, params=params or {"n": name}, fingerprint=fingerprint,
                   status=Document.Status.DONE, source=source)  # fmt: skip
    doc.file.save(name, ContentFile(b"%PDF-1.7 test"), save=False)
    doc.save()
    Document.objects.filter(pk=doc.pk).update(requested_at=made)
    return doc


def file_of(doc):
    return Path(doc.file.path)


def run(capture, today=None):
    with capture(execute=True):
        return retention.apply(today)

"""Behaviour pinned down after the review of board packs and the monthly run."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse

from projects import workflow
from reports.models import Document
from reports.runs import run_month
from reports.services import request_document
from reports.tasks import render_document
from tests.factories import ProjectFactory


@pytest.fixture
def seeded(db):
    call_command("seed_demo")


def test_board_packs_are_for_directors_and_the_pmo(seeded, alice, bob, diana):
    programme = ProjectFactory(code="PROG", kind="programme", manager=alice, sponsor=bob)
    for user in (alice, bob):
        with pytest.raises(PermissionDenied):
            request_document("board_pack", {"programme": programme.code, "period": "2024-01"}, user)
    assert request_document("board_pack", {"programme": "PROG", "period": "2024-01"}, diana)


def test_a_run_on_a_later_day_renders_nothing_new(seeded, django_capture_on_commit_callbacks):
    with (
        time_machine.travel(datetime.datetime(2012, 1, 10, 6)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        run_month(datetime.date(2011, 12, 1))
    before = set(Document.objects.values_list("pk", flat=True))
    with (
        time_machine.travel(datetime.datetime(2012, 1, 11, 6)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        run_month(datetime.date(2011, 12, 1))
    assert set(Document.objects.values_list("pk", flat=True)) == before


def test_a_retried_failure_still_lets_the_directors_be_told(
    seeded, client_for, diana, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        run = run_month(datetime.date(2011, 12, 1))
    register_pdf = run.documents.get(kind="risk_register")
    Document.objects.filter(pk=register_pdf.pk).update(status="failed", error="Out of memory")
    with django_capture_on_commit_callbacks(execute=False):
        client_for(diana).post(reverse("reports:document-retry", args=[register_pdf.pk]))
    mail.outbox.clear()
    for pk in Document.objects.filter(status="queued").values_list("pk", flat=True):
        render_document.apply(args=[pk])
    run.refresh_from_db()
    assert run.notified_at is not None
    assert len([m for m in mail.outbox if "are ready" in m.subject]) == 1


def test_a_shared_document_shows_in_the_list_of_everyone_who_asked(client_for, report, alice, bob):
    workflow.submit(report, alice)
    workflow.approve(report, bob)  # makes the approved PDF (asked for by Bob)
    document = request_document(
        "highlight_report", {"project": "TEST.1", "period": "2024-03"}, alice
    )
    assert document.requested_by == bob
    page = client_for(alice).get("/documents/").content.decode()
    assert f"/documents/{document.pk}/" in page

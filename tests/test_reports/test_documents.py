import datetime
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from reports import tasks, worker
from reports.kinds import SourceMissing
from reports.models import Document
from reports.services import request_document
from tests.factories import ReportFactory, RiskFactory, RiskRegisterFactory
from tests.pdf import pdf_text


def params(report):
    return {"project": report.project.code, "period": report.period_slug}


def test_request_renders_after_commit_and_records_the_outcome(
    report, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        document = request_document("highlight_report", params(report), alice)
        assert document.status == Document.Status.QUEUED
    assert len(callbacks) == 1  # the task is sent only once the row is committed
    callbacks[0]()
    document.refresh_from_db()
    assert document.status == Document.Status.DONE
    assert document.pages >= 1 and document.bytes > 1000 and len(document.sha256) == 64
    assert document.render_seconds > 0 and document.attempts == 1
    assert document.source == report
    content = Path(document.file.path).read_bytes()
    assert content.startswith(b"%PDF-")
    assert "Library Refurbishment" in pdf_text(content)


def test_same_data_gives_the_same_document(report, alice, bob, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = request_document("highlight_report", params(report), alice)
        second = request_document("highlight_report", params(report), bob)
    assert first.pk == second.pk
    report.summary = "Changed since the first PDF."
    report.save()
    with django_capture_on_commit_callbacks(execute=True):
        third = request_document("highlight_report", params(report), alice)
    assert third.pk != first.pk
    assert Document.objects.count() == 2


def test_a_failed_document_does_not_block_a_new_request(report, alice):
    failed = request_document("highlight_report", params(report), alice)
    Document.objects.filter(pk=failed.pk).update(status=Document.Status.FAILED)
    again = request_document("highlight_report", params(report), alice)
    assert again.pk != failed.pk


def test_requests_for_what_does_not_exist_are_refused(report, alice):
    with pytest.raises(SourceMissing):
        request_document("highlight_report", {"project": "NOPE", "period": "2024-03"}, alice)
    with pytest.raises(SourceMissing):
        request_document("highlight_report", {"project": "TEST.1", "period": "1999-01"}, alice)
    with pytest.raises(SourceMissing):
        request_document("no_such_kind", {}, alice)
    assert not Document.objects.exists()


def test_outsiders_cannot_request_a_draft(report, charlie):
    # As if there were no report (tests/test_reports/test_existence_leaks.py).
    with pytest.raises(SourceMissing, match="TEST.1 has no report for March 2024"):
        request_document("highlight_report", params(report), charlie)


def test_running_the_task_twice_renders_once(report, alice, media_root):
    document = request_document("highlight_report", params(report), alice)
    assert worker.render_document.delay(document.pk).get() == "done"
    assert worker.render_document.delay(document.pk).get() == "not claimed"
    document.refresh_from_db()
    assert document.attempts == 1
    assert len(list(media_root.rglob("*.pdf"))) == 1


def test_a_dead_workers_expired_lease_is_taken_over(report, alice):
    document = request_document("highlight_report", params(report), alice)
    now = timezone.now()
    Document.objects.filter(pk=document.pk).update(
        status=Document.Status.RUNNING,
        attempts=1,
        lease_expires=now + datetime.timedelta(minutes=5),
    )
    assert worker.claim(document.pk) == 0  # a live lease belongs to its worker
    Document.objects.filter(pk=document.pk).update(
        lease_expires=now - datetime.timedelta(seconds=1)
    )
    assert worker.render_document.delay(document.pk).get() == "done"
    document.refresh_from_db()
    assert document.status == Document.Status.DONE and document.attempts == 2


def test_a_worker_that_lost_its_lease_cannot_finish_the_document(report, alice):
    document = request_document("highlight_report", params(report), alice)
    assert worker.claim(document.pk) == 1
    stale = Document.objects.get(pk=document.pk)
    Document.objects.filter(pk=document.pk).update(
        lease_expires=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert worker.claim(document.pk) == 1  # another worker takes over (attempt 2)
    from reports.worker import build_document

    assert build_document(stale) == "lost lease"
    assert Document.objects.get(pk=document.pk).status == Document.Status.RUNNING


def test_rendering_errors_are_recorded_not_raised(report, alice, monkeypatch):
    document = request_document("highlight_report", params(report), alice)

    def broken(*args, **kwargs):
        raise ValueError("template exploded")

    monkeypatch.setattr("reports.worker.render_pdf", broken)
    assert worker.render_document.delay(document.pk).get() == "failed"
    document.refresh_from_db()
    assert document.status == Document.Status.FAILED
    assert "template exploded" in document.error


def test_sweep_resends_stalled_documents(report, alice, monkeypatch):
    document = request_document("highlight_report", params(report), alice)
    Document.objects.filter(pk=document.pk).update(
        requested_at=timezone.now() - datetime.timedelta(hours=1)
    )
    assert tasks.requeue_stalled_documents.delay().get() == 1
    document.refresh_from_db()
    assert document.status == Document.Status.DONE


def test_download_of_unfinished_document_is_404(client_for, report, alice):
    document = request_document("highlight_report", params(report), alice)
    url = reverse("reports:document-download", args=[document.pk])
    assert client_for(alice).get(url).status_code == 404


def test_pdf_button_requests_and_shows_the_document(
    client_for, report, alice, django_capture_on_commit_callbacks
):
    client = client_for(alice)
    pdf_url = reverse("projects:report-pdf", args=[report.project.code, report.period_slug])
    response = client.post(pdf_url)
    document = Document.objects.get()
    assert response["Location"] == document.get_absolute_url()
    assert "PDF queued, waiting for a worker" in client.get(response["Location"]).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(pdf_url, follow=True)
    document.refresh_from_db()
    assert document.status == Document.Status.QUEUED  # same data: the same document
    worker.render_document.delay(document.pk)
    response = client.get(document.get_absolute_url())
    assert "Ready: <a" in response.content.decode()
    assert "TEST.1-2024-03-highlight-report.pdf</a>" in response.content.decode()
    panel = client.post(pdf_url, headers={"HX-Request": "true"}).content.decode()
    assert 'id="pdf-panel"' in panel and "<html" not in panel
    assert "hx-trigger" not in panel  # finished: the panel stops polling
    polled = client.get(document.get_absolute_url(), headers={"HX-Request": "true"})
    assert polled.content.decode().startswith('<div id="pdf-panel"')
    assert Document.objects.count() == 1


def test_document_list_shows_mine_and_directors_see_all(client_for, report, alice, bob, diana):
    request_document("highlight_report", params(report), alice)
    assert "Highlight report TEST.1" in client_for(alice).get("/documents/").content.decode()
    assert "Highlight report TEST.1" not in client_for(bob).get("/documents/").content.decode()
    assert "Highlight report TEST.1" in client_for(diana).get("/documents/").content.decode()


def test_a_pdf_prints_the_register_it_was_asked_for_when_names_and_slugs_collide(
    client_for, charlie, pam, django_capture_on_commit_callbacks
):
    # Charlie's register is named "ops~" (slug "ops"); the PMO's is named "ops" (slug
    # "ops-2"). Asking for Charlie's PDF must print Charlie's register, never the other.
    mine = RiskRegisterFactory(name="ops~", slug="ops", owner=charlie)
    RiskFactory(register=mine, ref="MINE1", title="Charlie's own risk")
    other = RiskRegisterFactory(name="ops", slug="ops-2", owner=pam)
    RiskFactory(register=other, ref="SECRET1", title="A risk Charlie may not read")
    client = client_for(charlie)
    assert client.get(other.get_absolute_url()).status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("risks:register-pdf", args=["ops"]))
    document = Document.objects.get()
    assert document.status == Document.Status.DONE and document.source == mine
    text = pdf_text(client.get(reverse("reports:document-download", args=[document.pk])).getvalue())
    assert "MINE1" in text and "SECRET1" not in text


def test_the_worker_never_prints_another_source_under_a_documents_name(report, alice):
    document = request_document("highlight_report", params(report), alice)
    other = ReportFactory(project=report.project, period_start=datetime.date(2024, 4, 1))
    Document.objects.filter(pk=document.pk).update(params=params(other))
    assert worker.render_document.delay(document.pk).get() == "failed"
    document.refresh_from_db()
    assert "no longer names what this document was for" in document.error
    assert not document.file


def test_a_document_of_a_kind_no_longer_known_fails_instead_of_waiting(report, alice):
    document = request_document("highlight_report", params(report), alice)
    Document.objects.filter(pk=document.pk).update(kind="retired_kind", unsent_since=timezone.now())
    assert tasks.requeue_stalled_documents.delay().get() == 1
    document.refresh_from_db()
    assert document.status == Document.Status.FAILED
    assert "cannot print documents of kind 'retired_kind'" in document.error


def test_a_document_made_in_process_leaves_the_web_process_memory_alone(
    report, alice, monkeypatch, django_capture_on_commit_callbacks
):
    """Only a worker process freezes what it holds (reports/worker_memory.py): tasks run
    in-process (make run) are in a web process, whose memory is its own business."""
    import gc

    from reports import worker_memory

    monkeypatch.setattr(worker_memory, "_state", {"in_worker": False, "settled": False})
    frozen = gc.get_freeze_count()
    with django_capture_on_commit_callbacks(execute=True):
        document = request_document("highlight_report", params(report), alice)
    document.refresh_from_db()
    assert document.status == Document.Status.DONE
    assert gc.get_freeze_count() == frozen

"""An upload's preview and import run as jobs (projects.uploads): the page answers at once
and shows the job's progress until the worker is done. A job is its uploader's alone, a
redelivered or repeated message runs it once, and every way it can fail ends with a message
on its page, never with a job left running. Tasks run in-process here, as in development;
tests/test_projects/test_import_worker.py runs them on a real worker."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from projects import retention, uploads
from projects.models import ImportJob, RetentionRule
from risks.importers import RegisterImporter
from risks.models import CorporatePriority, Risk, RiskMatrix
from tests.factories import RiskRegisterFactory
from tests.imports import token_of, upload
from tests.test_risks.conftest import SAMPLE


@pytest.fixture
def register(alice):
    # The PMO keeps the list of corporate priorities; the register's owner uses it.
    CorporatePriority.objects.create(name="Dacorum Delivers")
    return RiskRegisterFactory(name="Depot risks", matrix=RiskMatrix.objects.get(name="4x4"),
                               owner=alice)  # fmt: skip


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


def import_url(register):
    return reverse("risks:register-import", args=[register.slug])


def job_url(register, job):
    return reverse("risks:register-import-job", args=[register.slug, job.pk])


def test_the_upload_answers_with_the_jobs_page_which_shows_the_preview(register, alice):
    with SAMPLE.open("rb") as file:
        response = client_of(alice).post(import_url(register), {"file": file})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job_url(register, job)
    assert (job.owner, job.name, job.status) == (alice, SAMPLE.name, ImportJob.Status.DONE)
    page = client_of(alice).get(job_url(register, job)).content.decode()
    assert "2 rows read: <strong>2 new</strong>" in page and token_of(page) == str(job.pk)
    assert "<progress" not in page and "hx-trigger" not in page  # finished: no more polling
    assert not Risk.objects.exists()


def test_nobody_but_the_uploader_sees_or_confirms_the_job(register, alice, pam, media_root):
    """The PMO manages every register, yet another person's upload is not theirs to read or
    confirm: its page is a 404 and its token imports nothing."""
    preview = upload(client_of(alice), import_url(register), "r.xlsx", SAMPLE.read_bytes())
    job = ImportJob.objects.get()
    assert client_of(pam).get(job_url(register, job)).status_code == 404
    confirm = reverse("risks:register-import-confirm", args=[register.slug])
    refused = client_of(pam).post(confirm, {"token": str(job.pk)}, follow=True)
    assert "That import has expired: upload the file again." in refused.content.decode()
    assert not Risk.objects.exists()
    # Alice's upload is untouched by the attempt, and still hers to confirm.
    done = client_of(alice).post(confirm, {"token": token_of(preview)}, follow=True)
    assert "Imported r.xlsx: 2 created, 0 updated, 0 unchanged." in done.content.decode()
    assert Risk.objects.count() == 2


def test_a_job_is_not_found_under_another_record(register, alice):
    other = RiskRegisterFactory(name="Fleet risks", owner=alice)
    upload(client_of(alice), import_url(register), "r.xlsx", SAMPLE.read_bytes())
    job = ImportJob.objects.get()
    response = client_of(alice).get(job_url(other, job))
    assert response.status_code == 404
    # Confirming it through the other register imports nothing into either.
    confirm = reverse("risks:register-import-confirm", args=[other.slug])
    client_of(alice).post(confirm, {"token": str(job.pk)})
    assert not Risk.objects.exists()


def queued_job(register, owner, **fields):
    """A job as the upload leaves it before a worker has picked it up."""
    return ImportJob.objects.create(
        owner=owner, importer=uploads.importer_path(RegisterImporter),
        target_type=ContentType.objects.get_for_model(register), target_id=register.pk,
        name="big.xlsx", **fields,
    )  # fmt: skip


def test_while_the_worker_works_the_page_shows_progress_and_polls(register, alice):
    job = queued_job(register, alice)
    page = client_of(alice).get(job_url(register, job)).content.decode()
    assert "Waiting for a worker" in page and "<progress" in page
    assert f'hx-get="{job_url(register, job)}" hx-trigger="every 1s"' in page
    # Without JavaScript, the page reloads itself instead (no inline script: the CSP).
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page

    ImportJob.objects.filter(pk=job.pk).update(
        status=ImportJob.Status.RUNNING, lease_expires=ImportJob.lease(),
        progress_step="checking", progress_done=12_000, progress_total=49_004,
    )  # fmt: skip
    page = client_of(alice).get(job_url(register, job)).content.decode()
    assert "Checking each row: 12,000 of 49,004 rows" in page
    assert '<progress class="w-100" value="12000" max="49004"' in page
    assert "Confirm the import" not in page

    ImportJob.objects.filter(pk=job.pk).update(progress_step="writing")
    page = client_of(alice).get(job_url(register, job)).content.decode()
    assert "Working out what it would change" in page


def test_a_job_whose_worker_died_says_so_and_stops_polling(register, alice):
    job = queued_job(register, alice, status=ImportJob.Status.RUNNING,
                     lease_expires=timezone.now() - datetime.timedelta(seconds=1))  # fmt: skip
    page = client_of(alice).get(job_url(register, job)).content.decode()
    assert uploads.STALLED in page and "hx-trigger" not in page


def test_a_file_no_worker_can_be_sent_fails_with_a_message(register, alice, monkeypatch):
    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("Redis is down")

    monkeypatch.setattr(uploads.preview_upload, "apply_async", broker_down)
    page = upload(client_of(alice), import_url(register), "r.xlsx", SAMPLE.read_bytes())
    assert uploads.NOT_STARTED in page.content.decode()
    assert ImportJob.objects.get().status == ImportJob.Status.FAILED


def test_a_message_delivered_twice_runs_the_job_once(register, alice):
    preview = upload(client_of(alice), import_url(register), "r.xlsx", SAMPLE.read_bytes())
    confirm = reverse("risks:register-import-confirm", args=[register.slug])
    client_of(alice).post(confirm, {"token": token_of(preview)})
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.DONE and Risk.objects.count() == 2
    assert uploads.import_upload(str(job.pk)) == "not claimed"
    assert uploads.preview_upload(str(job.pk)) == "not claimed"
    # A second click on the confirm button finds nothing left to confirm.
    again = client_of(alice).post(confirm, {"token": token_of(preview)}, follow=True)
    assert "That import has expired" in again.content.decode()
    assert Risk.objects.count() == 2


def test_a_job_whose_file_is_gone_fails_with_a_message(register, alice, media_root):
    job = queued_job(register, alice)
    assert uploads.preview_upload(str(job.pk)) == ImportJob.Status.FAILED
    job.refresh_from_db()
    assert job.message == "The uploaded file is no longer kept: upload it again."


def test_a_preview_of_thousands_of_changes_lists_the_first_few_hundred(register, alice):
    head = "Ref,Risk,Inherent Probability,Inherent Impact,Residual Probability,Residual Impact"
    rows = [f"R{n},Risk number {n},3,3,2,2" for n in range(1, 451)]
    content = "\n".join([head, *rows]).encode()
    page = upload(client_of(alice), import_url(register), "r.csv", content).content.decode()
    assert "450 rows read: <strong>450 new</strong>" in page
    assert page.count("<li><strong>Create</strong>") == uploads.SHOWN == 200
    assert "… and 250 more changes, not listed here." in page
    assert token_of(page)  # the whole file is still what is confirmed


def test_a_job_whose_register_was_deleted_fails_with_a_message(register, alice):
    job = queued_job(register, alice)
    uploads.file_of(job).parent.mkdir(parents=True, exist_ok=True)
    uploads.file_of(job).write_bytes(SAMPLE.read_bytes())
    register.delete()
    assert uploads.preview_upload(str(job.pk)) == ImportJob.Status.FAILED
    job.refresh_from_db()
    assert job.message == "What the file was for no longer exists; nothing was changed."
    assert not uploads.file_of(job).exists()


def test_uploads_left_for_a_week_go_with_their_files(
    register, alice, pam, media_root, django_capture_on_commit_callbacks
):
    """Whatever state they were left in (an import whose message was lost stays queued):
    the retention schedule removes them; someone else's upload meanwhile does not."""
    old = queued_job(register, pam, step=ImportJob.Step.IMPORT)
    uploads.file_of(old).parent.mkdir(parents=True, exist_ok=True)
    uploads.file_of(old).write_bytes(b"kept")
    ImportJob.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=8)
    )
    upload(client_of(alice), import_url(register), "r.xlsx", SAMPLE.read_bytes())
    assert ImportJob.objects.filter(pk=old.pk).exists()
    retention.schedule()
    RetentionRule.objects.update(in_force_from=datetime.date(2000, 1, 1))
    with django_capture_on_commit_callbacks(execute=True):
        assert retention.apply()["imports"] == 1
    assert not ImportJob.objects.filter(pk=old.pk).exists()
    assert [p.name for p in (media_root / "imports").iterdir()] == [
        uploads.file_of(ImportJob.objects.get()).name
    ]

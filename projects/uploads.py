"""Importing an uploaded spreadsheet in two steps, each run by a worker: preview, then confirm.

`preview` and `confirm` are plain functions of an importer (a projects.spreadsheets.Importer
subclass), its target record and the file's bytes. The preview writes nothing and gives a
fingerprint of what it showed (the changes it would make and the state of the records);
confirming imports only if, against the records as they are then, the file would do exactly
that, so nobody imports over a change made after they looked.

A 49,000-row workbook takes the better part of a minute to read, check and write, far
longer than a web request may last (gunicorn kills it at 30 s). So the upload page only
keeps the file and records an ImportJob; a Celery task (`preview_upload`, then
`import_upload` once confirmed) does the work, reporting its progress on the job, which
the job's page shows. The job belongs to whoever uploaded the file: nobody else can see or
confirm it. The file waits under MEDIA_ROOT/imports/ (shared by web and workers); a new
upload for the same record replaces its uploader's last one, and the retention schedule
removes uploads after a week (projects/retention_rules.py).
"""

import hashlib
import json
import logging
import time
import uuid
from dataclasses import asdict
from pathlib import Path

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from . import audit
from .models import ImportJob
from .spreadsheets import Importer, ImportFailed
from .workbooks import WRITING

logger = logging.getLogger(__name__)

RECORDS_CHANGED = (
    "Records changed since the preview, so nothing was imported: check the file again to "
    "see what it would do now."
)
NOT_STARTED = (
    "The file could not be handed to a worker (the task queue is not answering), so "
    "nothing was changed. Try again in a few minutes."
)
STALLED = (
    "The worker handling this file stopped before it finished, so nothing was imported. "
    "Upload the file again."
)
# A preview page lists this many changes, errors and warnings of each kind, and counts
# the rest: a page of 49,000 lines helps nobody and takes seconds to send.
SHOWN = 200


class Refused(Exception):
    """Confirming imported nothing; the message says why, to the person who confirmed."""


class RecordsChanged(Refused):
    """The file would now do something other than what its preview showed."""


def fingerprint(outcome, state):
    """A short fingerprint of a preview: its planned changes and the records' state."""
    return hashlib.sha256(json.dumps([outcome.changes, state], default=str).encode()).hexdigest()


def preview(importer, target, content, name, user=None, progress=None):
    """(outcome, fingerprint) of `user` importing `content` into `target`, with nothing
    written. The fingerprint is None when the file has errors: there is nothing to confirm.
    Raises ImportFailed for a file that cannot be read."""
    job = watched(importer(target), progress)
    parsed = job.read(content, name, user)
    job.progress(WRITING, 0, 0)
    outcome = job.write_checked(parsed, user=user, dry_run=True)
    if outcome.errors:
        return outcome, None
    return outcome, fingerprint(outcome, job.records_state())


def confirm(importer, target, content, name, expected, user=None, progress=None,
            address=None):  # fmt: skip
    """Import `content` into `target` for `user`, if it still does what the preview whose
    fingerprint is `expected` showed; returns the Outcome. Raises RecordsChanged (nothing
    written) when the records changed since, Refused when the file cannot be read."""
    try:
        with audit.acting_as(user, address):
            outcome = _confirmed(importer, target, content, name, expected, user, progress)
    except Refused as exc:
        audit.record(audit.Kind.IMPORT, actor=user, obj=target, address=address,
                     outcome=audit.Outcome.REFUSED,
                     description=f"{name[:200]}: {exc}")  # fmt: skip
        raise
    audit.record_import(target, name, outcome, actor=user, address=address)
    return outcome


def _confirmed(importer, target, content, name, expected, user, progress):
    job = watched(importer(target), progress)
    try:
        # Read and checked before the records are held: the long part holds no lock. The
        # records' state, read under the lock, still tells whether anything changed.
        parsed = job.read(content, name, user)
    except ImportFailed as exc:
        raise Refused(f"The import failed: {exc}") from exc
    job.progress(WRITING, 0, 0)
    try:
        with transaction.atomic():
            # Two people confirming at once: the second waits here for the first to commit,
            # then finds the records changed (reading the state alone locks nothing).
            type(target).objects.select_for_update().get(pk=target.pk)
            state = job.records_state()
            outcome = job.write_checked(parsed, user=user)
            if outcome.errors or fingerprint(outcome, state) != expected:
                raise RecordsChanged(RECORDS_CHANGED)  # leaving the block undoes the import
    except IntegrityError as exc:
        # The preview made these very writes without a clash: one now is with a record
        # made since (a list entry another import added while this one was read, say).
        raise RecordsChanged(RECORDS_CHANGED) from exc
    return outcome


def watched(job, progress):
    if progress is not None:
        job.progress = progress
    return job


def shown(outcome):
    """What a job's page shows of an Outcome, as JSON: its counts, and its lists cut to
    SHOWN entries each, with how many there were."""
    data = json.loads(json.dumps(asdict(outcome), default=str))
    listed = {key: data[key][:SHOWN] for key in ("changes", "errors", "warnings")}
    hidden = {key: len(data[key]) - len(kept) for key, kept in listed.items()}
    data |= {f"{key}_count": len(data[key]) for key in listed}
    data |= listed
    data["hidden_changes"] = hidden["changes"]
    data["hidden_problems"] = hidden["errors"] + hidden["warnings"]
    return data


# --- Jobs: who uploaded what for which record --------------------------------------------


def importer_path(importer):
    return f"{importer.__module__}.{importer.__qualname__}"


def jobs_of(user, importer, target):
    return ImportJob.objects.filter(
        owner=user,
        importer=importer_path(importer),
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
    )


def job_of(user, importer, target, token):
    """The user's job for `target` whose id is `token`, or None (not theirs, not for this
    record, replaced, expired, or not an id at all)."""
    try:
        token = uuid.UUID(str(token))
    except ValueError:
        return None
    return jobs_of(user, importer, target).filter(pk=token).first()


def file_of(job):
    suffix = ".csv" if job.name.lower().endswith(".csv") else ".xlsx"
    return Path(settings.MEDIA_ROOT) / "imports" / f"{job.pk.hex}{suffix}"


def discard(jobs, running_too=False):
    """Forget jobs and their files; an import a worker is running (or about to) is left to
    finish, unless `running_too` (one a day old is long dead: the time limit is minutes)."""
    if not running_too:
        jobs = jobs.exclude(step=ImportJob.Step.IMPORT, status__in=ImportJob.ACTIVE)
    for job in jobs:
        file_of(job).unlink(missing_ok=True)
        job.delete()


def start_preview(user, importer, target, name, content):
    """Keep an upload and queue its preview; returns the job. The uploader's earlier uploads
    for the record go; the retention schedule removes the rest in their time."""
    discard(jobs_of(user, importer, target))
    job = ImportJob.objects.create(
        owner=user,
        importer=importer_path(importer),
        target_type=ContentType.objects.get_for_model(target),
        target_id=target.pk,
        name=Path(name).name[:255],
    )
    path = file_of(job)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    send(preview_upload, job)
    return job


def start_import(user, importer, target, token, address=None):
    """Queue the import of the user's previewed upload `token`; returns its job, or None
    when there is none to confirm. Any other upload they had waiting for the record goes."""
    job = job_of(user, importer, target, token)
    mine = jobs_of(user, importer, target)
    discard(mine.exclude(pk=job.pk) if job else mine)
    if job is None:
        return None
    # One UPDATE only one request can win: a double click imports once.
    claimed = (
        mine.filter(pk=job.pk, step=ImportJob.Step.PREVIEW, status=ImportJob.Status.DONE)
        .exclude(fingerprint="")
        .update(step=ImportJob.Step.IMPORT, status=ImportJob.Status.QUEUED, outcome=None,
                address=address,
                progress_step="", progress_done=0, progress_total=0, finished_at=None)
    )  # fmt: skip
    if not claimed:
        return None
    job.refresh_from_db()
    send(import_upload, job)
    return job


def send(task, job):
    """Hand the job to a worker (run here and now when Celery is eager, as in development)."""
    try:
        task.apply_async(args=[str(job.pk)])
    except Exception:
        logger.exception("Could not queue import job %s", job.pk)
        ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.QUEUED).update(
            status=ImportJob.Status.FAILED, message=NOT_STARTED, finished_at=timezone.now()
        )


# --- The worker's side ---------------------------------------------------------------------


@shared_task(acks_late=True)
def preview_upload(job_id):
    return run(job_id, ImportJob.Step.PREVIEW, _preview)


@shared_task(acks_late=True)
def import_upload(job_id):
    return run(job_id, ImportJob.Step.IMPORT, _import)


def _preview(job, importer, target, content, progress):
    outcome, seen = preview(importer, target, content, job.name, job.owner, progress)
    return {"outcome": shown(outcome), "fingerprint": seen or ""}


def _import(job, importer, target, content, progress):
    outcome = confirm(importer, target, content, job.name, job.fingerprint, user=job.owner,
                      progress=progress, address=job.address)  # fmt: skip
    return {"outcome": shown(outcome)}


def run(job_id, step, work):
    """Claim the job (one UPDATE only one worker wins: a message delivered twice runs it
    once), do its step, and record how it ended; every failure ends with a message for its
    page, never with the job left running."""
    claimed = ImportJob.objects.filter(pk=job_id, step=step, status=ImportJob.Status.QUEUED).update(
        status=ImportJob.Status.RUNNING, lease_expires=ImportJob.lease()
    )
    if not claimed:
        return "not claimed"  # replaced, already run, or run by another worker
    job = ImportJob.objects.select_related("owner", "target_type").filter(pk=job_id).first()
    if job is None:
        return "gone"  # replaced by a newer upload as it started
    try:
        importer = import_string(job.importer)
        if not issubclass(importer, Importer):
            raise TypeError(f"{job.importer} is not an importer")
        target = job.target_type.get_object_for_this_type(pk=job.target_id)
        content = file_of(job).read_bytes()
        fields = {"status": ImportJob.Status.DONE, **work(job, importer, target, content,
                                                          reporter(job))}  # fmt: skip
    except (ImportFailed, Refused) as exc:
        fields = failed(str(exc), recorded=True)  # confirm() recorded the refusal
    except FileNotFoundError:
        fields = failed("The uploaded file is no longer kept: upload it again.")
    except ObjectDoesNotExist:
        fields = failed("What the file was for no longer exists; nothing was changed.")
    except SoftTimeLimitExceeded:
        fields = failed("The file took longer than the time limit to read; nothing was changed.")
    except Exception as exc:
        logger.exception("Import job %s failed", job_id)
        fields = failed(f"The file could not be read ({type(exc).__name__}); nothing was changed.")
    recorded = fields.pop("recorded", False)
    failed_import = step == ImportJob.Step.IMPORT and fields["status"] == ImportJob.Status.FAILED
    if failed_import and not recorded:
        _record_failure(job, fields["message"])
    ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.RUNNING).update(
        lease_expires=None, finished_at=timezone.now(), **fields
    )
    if step == ImportJob.Step.IMPORT or not fields.get("fingerprint"):
        file_of(job).unlink(missing_ok=True)  # nothing left to confirm
    return fields["status"]


def failed(message, recorded=False):
    """A job's end when it failed; `recorded` when the audit already has it."""
    return {"status": ImportJob.Status.FAILED, "message": message, "recorded": recorded}


def _record_failure(job, message):
    """A confirmed import that broke on the worker: tried, and nothing imported."""
    audit.record(
        audit.Kind.IMPORT,
        actor=job.owner,
        address=job.address,
        object_type=f"{job.target_type.app_label}.{job.target_type.model}",
        object_id=job.target_id,
        object_repr=job.name[:300],
        outcome=audit.Outcome.FAILURE,
        description=f"{job.name[:200]}: {message}",
    )


def reporter(job, every=0.5):
    """progress(step, done, total) for an Importer: written on the job at most every
    `every` seconds. Called inside the import's transaction it shows only once that
    commits; the step before it is written just before the transaction starts."""
    last = [0.0]

    def progress(step, done, total):
        now = time.monotonic()
        if step == WRITING or now - last[0] >= every:
            last[0] = now
            ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.RUNNING).update(
                progress_step=step, progress_done=done, progress_total=total
            )

    return progress

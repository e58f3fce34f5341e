"""Importing an uploaded spreadsheet in two steps: preview, then confirm.

`preview` and `confirm` are plain functions of an importer (a projects.spreadsheets.Importer
subclass), its target record and the file's bytes: a view calls them, and so can a Celery
task. The preview writes nothing and gives a fingerprint of what it showed (the changes it
would make and the state of the records); confirming imports only if, against the records
as they are then, the file would do exactly that, so nobody imports over a change made
after they looked.

Between the two steps the file waits under MEDIA_ROOT/imports/ with a random name; the
session remembers which upload belongs to which record, so only its uploader can confirm
it. A new preview replaces the last unconfirmed one, and its file goes. `upload_page` and
`confirm_page` are the two views every import page shares.
"""

import hashlib
import json
import uuid
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render

from . import audit
from .spreadsheets import MAX_FILE_BYTES, ImportFailed

SESSION_KEY = "pending_upload"
RECORDS_CHANGED = (
    "Records changed since the preview, so nothing was imported: check the file again to "
    "see what it would do now."
)


class Refused(Exception):
    """Confirming imported nothing; the message says why, to the person who confirmed."""


class RecordsChanged(Refused):
    """The file would now do something other than what its preview showed."""


def fingerprint(outcome, state):
    """A short fingerprint of a preview: its planned changes and the records' state."""
    return hashlib.sha256(json.dumps([outcome.changes, state], default=str).encode()).hexdigest()


def preview(importer, target, content, name, user=None):
    """(outcome, fingerprint) of `user` importing `content` into `target`, with nothing
    written. The fingerprint is None when the file has errors: there is nothing to confirm.
    Raises ImportFailed for a file that cannot be read."""
    job = importer(target)
    outcome = job.run(content, name, user=user, dry_run=True)
    if outcome.errors:
        return outcome, None
    return outcome, fingerprint(outcome, job.records_state())


def confirm(importer, target, content, name, expected, user=None):
    """Import `content` into `target` for `user`, if it still does what the preview whose
    fingerprint is `expected` showed; returns the Outcome. Raises RecordsChanged (nothing
    written) when the records changed since, Refused when the file cannot be read."""
    try:
        with transaction.atomic():
            # Two people confirming at once: the second waits here for the first to commit,
            # then finds the records changed (reading the state alone locks nothing).
            type(target).objects.select_for_update().get(pk=target.pk)
            job = importer(target)
            state = job.records_state()
            outcome = job.run(content, name, user=user)
            if outcome.errors or fingerprint(outcome, state) != expected:
                raise RecordsChanged(RECORDS_CHANGED)  # leaving the block undoes the import
    except ImportFailed as exc:
        raise Refused(f"The import failed: {exc}") from exc
    audit.record_import(target, name, outcome, actor=user)
    return outcome


# --- Keeping the upload between the two steps --------------------------------------------


def _path(token, suffix):
    return Path(settings.MEDIA_ROOT) / "imports" / f"{token}{suffix}"


def discard(request):
    previous = request.session.pop(SESSION_KEY, None)
    if previous:
        _path(previous["token"], previous["suffix"]).unlink(missing_ok=True)


def keep(request, target, name, content, preview=""):
    """Keep an upload for `target` (a string naming the record); returns its token.
    `preview` is the preview's fingerprint, checked on confirming."""
    discard(request)
    token = uuid.uuid4().hex
    suffix = ".csv" if name.lower().endswith(".csv") else ".xlsx"
    path = _path(token, suffix)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    request.session[SESSION_KEY] = {
        "token": token,
        "suffix": suffix,
        "target": target,
        "name": name,
        "preview": preview,
    }
    return token


def take(request, target, token):
    """(name, content, preview) of the upload kept for `target` under `token`, removed
    from the session and the disk; None if there is none (expired, replaced, another's)."""
    pending = request.session.pop(SESSION_KEY, None)
    if not pending:
        return None
    path = _path(pending["token"], pending["suffix"])
    try:
        if pending["target"] != target or pending["token"] != token:
            return None
        return pending["name"], path.read_bytes(), pending.get("preview", "")
    except OSError:
        return None
    finally:
        path.unlink(missing_ok=True)


# --- The two views every import page shares ----------------------------------------------


def upload_page(request, importer, target, form, template, context):
    """The import page: a file posted is previewed (nothing is written) and, when it would
    import cleanly, kept for confirming; a file that cannot be read is a 400."""
    outcome = failure = token = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read(MAX_FILE_BYTES + 1)
        try:
            outcome, seen = preview(importer, target, content, upload.name, request.user)
        except ImportFailed as exc:
            failure = str(exc)
        else:
            if seen:
                kept_for = importer.upload_target(target)
                token = keep(request, kept_for, upload.name, content, seen)
    context = {**context, "form": form, "outcome": outcome, "failure": failure, "token": token}
    return render(request, template, context, status=400 if failure else 200)


def confirm_page(request, importer, target, *import_page):
    """Confirming the upload kept for `target`: imports it and goes to the target, or says
    why not and goes back to the import page (`import_page`: its URL name and arguments)."""
    pending = take(request, importer.upload_target(target), request.POST.get("token"))
    if pending is None:
        messages.error(request, "That import has expired: upload the file again.")
        return redirect(*import_page)
    name, content, expected = pending
    try:
        outcome = confirm(importer, target, content, name, expected, user=request.user)
    except Refused as exc:
        messages.error(request, str(exc))
        return redirect(*import_page)
    messages.success(
        request,
        f"Imported {name}: {outcome.created} created, {outcome.updated} updated, "
        f"{outcome.unchanged} unchanged.",
    )
    return redirect(target)

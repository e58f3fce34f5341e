"""The three pages every import shares (a register's, a plan's): upload a file, watch its
job (the preview, then the import, each run by a worker: projects.uploads), confirm. Each
app's view checks access to the record and names its form, template and URLs."""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from . import audit, uploads
from .models import ImportJob
from .spreadsheets import MAX_FILE_BYTES

EXPIRED = "That import has expired: upload the file again."


class ImportForm(forms.Form):
    file = forms.FileField(label="Workbook (.xlsx) or .csv")


@dataclass
class ImportPage:
    """What a record's import page says (projects/settings/import.html)."""

    title: str
    intro: str
    columns: str
    url: str  # where "Back to …" goes once imported
    what: str  # "the milestones": back to what

    def get_absolute_url(self):
        return self.url

    def __str__(self):
        return self.what


def upload_page(request, importer, target, form, template, context, job_page):
    """The import page: a file posted is kept and its preview queued, and the person is
    sent to its job's page (`job_page`: its URL name and arguments, before the job's id)."""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read(MAX_FILE_BYTES + 1)
        job = uploads.start_preview(request.user, importer, target, upload.name, content)
        return redirect(*job_page, job.pk)
    return render(request, template, {**context, "form": form})


def job_page(request, importer, target, token, form, template, context):
    """A job's progress, then what its preview found (with the confirm button when it would
    import cleanly) or what its import did. Only its uploader finds it: 404 for anyone else."""
    job = uploads.job_of(request.user, importer, target, token)
    if job is None:
        raise Http404("No such import.")
    done = job.status == ImportJob.Status.DONE
    failure = uploads.STALLED if job.has_stalled else job.message
    previewed = done and job.step == ImportJob.Step.PREVIEW
    context = {
        **context,
        "form": form,
        "job": job,
        "failure": failure if job.status == ImportJob.Status.FAILED or job.has_stalled else "",
        "outcome": job.outcome if previewed else None,
        "token": job.pk if previewed and job.fingerprint else None,
        "imported": job.outcome if done and job.step == ImportJob.Step.IMPORT else None,
    }
    return render(request, template, context)


def confirm_page(request, importer, target, job_page, import_page):
    """Confirming a preview: its import is queued and the person sent to the job's page, or
    told it has expired and sent back to the import page (`import_page`: URL name and
    arguments)."""
    job = uploads.start_import(request.user, importer, target, request.POST.get("token"),
                               audit.client_address(request))  # fmt: skip
    if job is None:
        messages.error(request, EXPIRED)
        return redirect(*import_page)
    return redirect(*job_page, job.pk)

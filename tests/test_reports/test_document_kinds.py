"""The document contract (reports/kinds/): a new kind is one module and one template.

These tests follow the steps in reports/kinds/__init__.py's docstring with a kind of their
own, and check that everything that handles documents (the request, the worker, the
documents page, downloads and their access rules, the build_document command) takes it
without a change anywhere else."""

from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.urls import reverse

from projects import access as project_access
from projects.models import Project
from reports import kinds
from reports.kinds import DocumentKind, SourceMissing, register_kind
from reports.models import Document
from reports.services import request_document
from tests.pdf import pdf_text

CARD_TEMPLATE = """{% extends "pdf/base.html" %}
{% block title %}Project card {{ code }}{% endblock %}
{% block content %}<h1>{{ code }}: {{ name }}</h1><p>Sponsor: {{ sponsor }}</p>{% endblock %}
"""


class ProjectCardKind(DocumentKind):
    """Step 1: the module (here, in the test)."""

    name = "project_card"
    label = "Project card"
    template_name = "pdf/project_card.html"
    request_fields = required_fields = ("project",)

    def resolve(self, params):
        project = Project.objects.filter(code=params.get("project")).first()
        if project is None:
            raise SourceMissing(f"No project with the code {params.get('project')!r}.")
        return project

    def params_for(self, project, params=None):
        return {"project": project.code}

    def gather(self, project, params=None, progress=None):
        return {"code": project.code, "name": project.name, "sponsor": str(project.sponsor)}

    def filename(self, project, params=None):
        return f"{project.code}-card.pdf"

    def can_read(self, user, project, params=None):
        return project_access.project_role(user, project).can_read_drafts


@pytest.fixture
def card_kind(settings, tmp_path):
    """Step 2: the template, in a folder of the test's own; the kind registered for the
    test only."""
    (tmp_path / "pdf").mkdir()
    (tmp_path / "pdf" / "project_card.html").write_text(CARD_TEMPLATE)
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [tmp_path, *engine["DIRS"]]}]
    register_kind(ProjectCardKind)
    yield kinds.get_kind("project_card")
    kinds.unregister_kind("project_card")


def test_a_registered_kind_is_a_choice_of_document_kind_without_a_migration(card_kind):
    choices = dict(Document._meta.get_field("kind").choices)
    assert choices["project_card"] == "Project card"
    assert choices["highlight_report"] == "Highlight report"
    kinds.unregister_kind("project_card")
    assert "project_card" not in dict(Document._meta.get_field("kind").choices)


def test_a_new_kind_renders_through_the_request_and_the_worker(
    card_kind, project, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        document = request_document("project_card", {"project": project.code}, alice)
    document.refresh_from_db()
    assert document.status == Document.Status.DONE, document.error
    assert document.get_kind_display() == "Project card"
    assert document.title == f"Project card {project}"
    assert document.filename == f"{project.code}-card.pdf"
    assert document.source == project
    text = pdf_text(Path(document.file.path).read_bytes())
    assert f"{project.code}: {project.name}" in text
    assert f"Sponsor: {project.sponsor}" in text
    # A caller holding the project asks with it and gets the same live document.
    assert request_document("project_card", requested_by=alice, source=project).pk == document.pk


def test_a_new_kinds_own_rules_decide_who_reads_it(
    card_kind, project, alice, charlie, client_for, django_capture_on_commit_callbacks
):
    with pytest.raises(PermissionDenied):
        request_document("project_card", {"project": project.code}, charlie)
    with pytest.raises(SourceMissing):
        request_document("project_card", {"project": "NOPE"}, alice)
    with django_capture_on_commit_callbacks(execute=True):
        document = request_document("project_card", {"project": project.code}, alice)
    download = reverse("reports:document-download", args=[document.pk])
    response = client_for(alice).get(download)
    assert response.status_code == 200
    assert f"{project.code}: {project.name}" in pdf_text(b"".join(response.streaming_content))
    assert client_for(charlie).get(download).status_code == 404


def test_the_documents_page_and_the_command_take_a_new_kind(
    card_kind, project, alice, client_for, tmp_path
):
    page = client_for(alice).get(reverse("reports:document-list")).content.decode()
    assert '<option value="project_card">Project card</option>' in page
    response = client_for(alice).post(
        reverse("reports:document-list"), {"kind": "project_card", "project": project.code}
    )
    assert response.status_code == 302
    document = Document.objects.get(kind="project_card")
    assert document.params == {"project": project.code} and document.requested_by == alice
    refused = client_for(alice).post(reverse("reports:document-list"), {"kind": "project_card"})
    assert "Needed for this kind of document." in refused.content.decode()
    out = tmp_path / "card.pdf"
    call_command("build_document", "project_card", "--project", project.code, "--out", str(out))
    assert f"{project.code}: {project.name}" in pdf_text(out.read_bytes())

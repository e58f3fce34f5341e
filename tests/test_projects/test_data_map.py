"""The data map (issue 22, point 5): read from the models and each app's markers, so a new
field on a model that holds people fails here until someone says what it holds."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import models
from django.urls import reverse

from projects import personal_data
from projects.models import Project


def test_every_field_of_a_model_holding_people_is_classified(db):
    assert personal_data.unmarked() == []
    assert personal_data.stale() == []


def test_a_new_unclassified_field_fails(db, monkeypatch):
    """As if someone added Project.press_contact without marking it."""
    field = models.CharField(max_length=100, blank=True)
    field.set_attributes_from_name("press_contact")
    field.model = Project
    monkeypatch.setattr(Project._meta, "concrete_fields", (*Project._meta.concrete_fields, field))
    assert personal_data.unmarked() == ["projects.Project.press_contact"]
    with pytest.raises(CommandError, match="projects.Project.press_contact"):
        call_command("data_map", stdout=io.StringIO())


def test_a_marker_for_a_field_that_went_is_found(db, monkeypatch):
    monkeypatch.setitem(personal_data.MARKERS["projects.Project"].fields, "fax", None)
    assert personal_data.stale() == ["projects.Project.fax"]


def test_the_map_says_what_each_field_holds_how_long_and_where_it_goes(db, settings):
    out = io.StringIO()
    call_command("data_map", "--format", "csv", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0] == "model,field,holds,kept,exported in"
    assert "projects.User,email,contact details,until the PMO removes it," in "\n".join(lines)
    text = "\n".join(lines)
    assert 'projects.AuditEvent,address,a network address,"730 days' in text
    assert "projects.Project,sponsor,names a person (a link to their account)" in text
    assert "risks.Risk,owner_name,a person's name" in text
    # Not personal: not in the map.
    assert "projects.Project,code," not in text and "projects.User,password," in text


def test_the_pmo_reads_it(client_for, pam):
    page = client_for(pam).get(reverse("projects:data-map")).content.decode()
    assert "<code>job_title</code>" in page and "a person&#x27;s job" in page
    assert "Not yet classified" not in page

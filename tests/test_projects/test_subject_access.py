"""A subject-access archive (issue 22, point 2): everything Highlight holds about a person,
found by following every field that points at a person, in readable files; nothing secret,
nobody else's; recorded in the audit."""

import csv
import datetime
import io
import json
import zipfile

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import reverse

from projects import api_tokens, audit, workflow
from projects.models import AuditEvent, ChannelHook, Deputy, Milestone, RaidItem, Rebaseline, User
from projects.subject_access import file_name
from risks import registers
from tests.factories import (
    ActivityUpdateFactory,
    DocumentFactory,
    MonthlyRunFactory,
    OwnerRoleFactory,
    ProjectFactory,
    ReportFactory,
    RiskFactory,
    RiskRegisterFactory,
)

D = datetime.date


@pytest.fixture
def alice_everywhere(project, alice, bob, charlie, dave):
    """Alice named in one of each kind of record (project is TEST.1, which she manages)."""
    ProjectFactory(code="SPON", sponsor=alice, manager=bob, director=alice).editors.add(alice)
    mine = ReportFactory(project=project, period_start=D(2024, 3, 1))
    workflow.submit(mine, alice)  # submitted by her, and its history names her
    theirs = ProjectFactory(code="APPR", sponsor=alice, manager=charlie)
    approved = ReportFactory(project=theirs, period_start=D(2024, 3, 1))
    workflow.approve(workflow.submit(approved, charlie), alice)
    approved.writers.add(alice)
    ReportFactory(project=ProjectFactory(code="NAMED", sponsor=dave, manager=charlie),
                  period_start=D(2024, 3, 1), named_approver=alice)  # fmt: skip
    Deputy.objects.create(person=alice, deputy=bob, starts=D(2024, 1, 1), ends=D(2024, 2, 1))
    Deputy.objects.create(person=dave, deputy=alice, starts=D(2024, 1, 1), ends=D(2024, 2, 1))
    RaidItem.objects.create(
        project=project,
        kind="action",
        number=1,
        owner=alice,
        raised_on=D(2024, 3, 4),
        title="Alice chases the lift contractor",
    )
    milestone = Milestone.objects.create(project=project, name="Go live", baseline=D(2024, 5, 1))
    Rebaseline.objects.create(
        milestone=milestone,
        old_baseline=D(2024, 5, 1),
        new_baseline=D(2024, 6, 1),
        reason="Lift",
        agreed_by=alice,
    )
    register = RiskRegisterFactory(name="Alice's register", owner=alice)
    risk = RiskFactory(register=register, ref="AR_1", owner=alice, title="Lift fails")
    registers.record_review(risk, alice, D(2024, 5, 1), "Reviewed with Alice's notes", True,
                            D(2024, 8, 1))  # fmt: skip
    OwnerRoleFactory(users=[alice])
    ActivityUpdateFactory(updated_by=alice)
    DocumentFactory(requested_by=alice).requesters.add(alice)
    MonthlyRunFactory().notify.add(alice)
    api_tokens.create(alice, "Power BI board pack")
    audit.record(audit.Kind.SIGN_IN, actor=alice, address="192.0.2.7")
    audit.record(audit.Kind.RIGHTS, actor=bob, obj=alice, description="Added to Directors")
    ChannelHook.objects.create(url="https://hooks.example.com/x", changed_by=alice)
    return alice


def every_link_to_a_person():
    """Read here, not from subject_access: each forward field of each model that points at
    a person (foreign keys, many-to-many, one-to-one; history's models included)."""
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if field.is_relation and not field.auto_created and field.related_model is User:
                yield model, field


def read(content):
    archive = zipfile.ZipFile(io.BytesIO(content))
    return {name: archive.read(name).decode("utf-8-sig") for name in archive.namelist()}


def archive_of(person, tmp_path):
    out = tmp_path / "person.zip"
    call_command("export_person", person.username, "--out", str(out), stdout=io.StringIO())
    return read(out.read_bytes())


def test_the_archive_holds_every_record_naming_the_person(alice_everywhere, tmp_path):
    alice = alice_everywhere
    files = archive_of(alice, tmp_path)
    covered = 0
    for model, field in every_link_to_a_person():
        naming = model._default_manager.filter(**{field.name: alice}).distinct().count()
        if model.__name__ == "User" or not naming:
            continue
        covered += 1
        name = file_name(model, field)
        assert name in files, f"{model._meta.label}.{field.name}: {naming} rows, no file"
        rows = list(csv.DictReader(io.StringIO(files[name])))
        assert len(rows) == naming, name
    assert covered >= 25  # the fixture names her in at least this many ways
    everything = "\n".join(files.values())
    for words in (
        "Alice chases the lift contractor",
        "Reviewed with Alice's notes",
        "Power BI board pack",
        "192.0.2.7",
        "Added to Directors",
        "Lift fails",
    ):
        assert words in everything, words
    account = json.loads(files["account.json"])
    assert account["email address"] == alice.email and account["first name"] == "Alice"
    assert "projects/auditevent-about-you.csv: Audit events about you" in files["README.txt"]


def test_nothing_secret_and_nobody_else_s_is_in_it(alice_everywhere, bob, tmp_path):
    alice = alice_everywhere
    token = api_tokens.create(bob, "Bob's own feed")[0]
    everything = "\n".join(archive_of(alice, tmp_path).values())
    assert alice.password not in everything and "pbkdf2" not in everything
    assert alice.api_tokens.get().digest not in everything
    assert "Bob's own feed" not in everything and token.digest not in everything


def test_formula_like_text_is_inert_in_the_csv(project, alice, tmp_path):
    RaidItem.objects.create(
        project=project,
        kind="action",
        number=1,
        owner=alice,
        raised_on=D(2024, 3, 4),
        title='=HYPERLINK("http://evil.example")',
    )
    files = archive_of(alice, tmp_path)
    assert "'=HYPERLINK" in files["projects/raiditem-owner.csv"]


def test_the_pmo_downloads_it_and_the_audit_says_so(client_for, pam, alice_everywhere):
    response = client_for(pam).post(
        reverse("projects:subject-access"), {"person": alice_everywhere.pk}
    )
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    files = read(response.content)
    assert "projects/project-sponsor.csv" in files
    event = AuditEvent.objects.filter(kind="export", object_id=str(alice_everywhere.pk)).get()
    assert event.actor == pam and "Subject-access archive" in event.description


def test_the_command_refuses_an_unknown_person(db, tmp_path):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="Nobody has the username"):
        call_command("export_person", "nobody", "--out", str(tmp_path / "x.zip"))
    assert not (tmp_path / "x.zip").exists()

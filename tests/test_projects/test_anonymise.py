"""Leavers anonymised in time (issue 22, point 3): after LEAVER_RETENTION_DAYS, or at once on
request, a person's name, username, email and job title leave no trace in the database, and
the records that named them still read: "approved by Former member of staff N"."""

import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from projects import anonymise, api_tokens, audit, workflow
from projects.models import AuditEvent, HighlightReport, RaidItem, User
from tests.factories import ProjectFactory, ReportFactory, RiskFactory, UserFactory

D = datetime.date
TRACES = ("Quintrell", "zquintrell", "zelda.q@example.org", "Keeper of the Tring Archive")


@pytest.fixture
def zelda(db, bob):
    """A leaver named everywhere: she managed a project, wrote and submitted its report,
    which Bob approved (its snapshot prints her), owns a RAID item and a risk, is named in
    free text, signed in and had a token."""
    zelda = UserFactory(
        username="zquintrell",
        first_name="Zelda",
        last_name="Quintrell",
        email="zelda.q@example.org",
        job_title="Keeper of the Tring Archive",
    )
    project = ProjectFactory(code="LIB", manager=zelda, sponsor=bob,
                             objectives="Zelda Quintrell leads the refit.")  # fmt: skip
    report = ReportFactory(
        project=project,
        period_start=D(2024, 3, 1),
        summary="Agreed with Zelda Quintrell (zelda.q@example.org).",
    )
    workflow.approve(workflow.submit(report, zelda), bob)
    RaidItem.objects.create(
        project=project,
        kind="action",
        number=1,
        owner=zelda,
        raised_on=D(2024, 3, 4),
        title="Zelda Quintrell to chase the lift",
    )
    RiskFactory(owner_name="Zelda Quintrell", title="Refit late")
    audit.record(audit.Kind.SIGN_IN, actor=zelda, address="192.0.2.9")
    audit.record(audit.Kind.INVITATION, actor=bob, obj=zelda,
                 description="Invitation sent to zelda.q@example.org")  # fmt: skip
    api_tokens.create(zelda, "Zelda's Power BI")
    zelda.is_active = False
    zelda.save()
    return zelda


def database_text():
    out = io.StringIO()
    call_command("dumpdata", "--natural-foreign", stdout=out)
    return out.getvalue()


def test_anonymising_leaves_no_trace_and_the_records_still_read(zelda, client_for, pam):
    assert all(trace in database_text() for trace in TRACES[:3])
    new = anonymise.anonymise(zelda, why="on request")
    assert new == f"Former member of staff {zelda.pk}"
    everything = database_text()
    for trace in TRACES:
        assert trace not in everything, trace
    report = HighlightReport.objects.get(project__code="LIB")
    assert report.submitted_by == zelda and str(report.submitted_by) == new
    page = client_for(pam).get(report.get_absolute_url()).content.decode()
    assert "Agreed with Former member of staff" in page
    assert not zelda.api_tokens.exists()
    event = AuditEvent.objects.filter(kind="rights", object_id=str(zelda.pk)).latest("at")
    assert event.description == "Anonymised: on request." and "Quintrell" not in str(event)


def test_a_short_username_is_not_replaced_inside_other_words(db):
    """Free text keeps "benchmark" though a leaver's username is "mark"."""
    mark = UserFactory(username="mark", first_name="Mark", last_name="Ellery", is_active=False)
    project = ProjectFactory(objectives="A benchmark for Mark Ellery's team.")
    anonymise.anonymise(mark, why="on request")
    project.refresh_from_db()
    assert project.objectives == f"A benchmark for Former member of staff {mark.pk}'s team."


def test_leavers_are_anonymised_once_their_time_is_up(zelda, settings):
    settings.LEAVER_RETENTION_DAYS = 730
    left = zelda.left_on
    assert left == datetime.date.today()
    with time_machine.travel(left + datetime.timedelta(days=729)):
        assert anonymise.anonymise_leavers() == 0
    with time_machine.travel(left + datetime.timedelta(days=730)):
        assert anonymise.anonymise_leavers() == 1
        assert anonymise.anonymise_leavers() == 0  # done once
    zelda.refresh_from_db()
    assert zelda.get_full_name() == f"Former member of staff {zelda.pk}"
    assert zelda.email == "" and zelda.job_title == "" and not zelda.has_usable_password()


def test_someone_switched_back_on_is_not_a_leaver(zelda):
    zelda.is_active = True
    zelda.save()
    assert zelda.left_on is None
    assert not anonymise.leavers_due(datetime.date.today() + datetime.timedelta(days=5000))


def test_the_command_previews_then_anonymises(zelda):
    out = io.StringIO()
    call_command("anonymise_person", "zquintrell", "--reason", "their request", stdout=out)
    assert "projects.RaidItem.title: 1 row" in out.getvalue()
    assert "Nothing changed" in out.getvalue()
    assert User.objects.get(pk=zelda.pk).last_name == "Quintrell"
    call_command("anonymise_person", "zquintrell", "--reason", "their request", "--yes",
                 stdout=io.StringIO())  # fmt: skip
    assert User.objects.get(pk=zelda.pk).last_name == str(zelda.pk)


def test_the_approved_report_page_reads_coherently(zelda, client_for, pam):
    anonymise.anonymise(zelda, why="on request")
    report = HighlightReport.objects.get(project__code="LIB")
    url = reverse("projects:report-detail", args=["LIB", report.period_slug])
    page = client_for(pam).get(url).content.decode()
    assert f"Former member of staff {zelda.pk}" in page and "Quintrell" not in page


def test_a_namesake_s_records_keep_their_name(db):
    """Two Sam Taylors: anonymising the leaver must not rename the other in what people
    wrote (the text may be about either); the leaver's links still go."""
    leaver = UserFactory(username="sam.t1", first_name="Sam", last_name="Taylor", is_active=False)
    UserFactory(username="sam.t2", first_name="Sam", last_name="Taylor")
    project = ProjectFactory(manager=leaver, objectives="Sam Taylor signs off the design.")
    anonymise.anonymise(leaver, why="on request")
    project.refresh_from_db()
    assert project.objectives == "Sam Taylor signs off the design."
    assert str(project.manager) == f"Former member of staff {leaver.pk}"


# --- The PMO's page: at once, on request, with a preview --------------------------------


def test_the_pmo_previews_then_anonymises_a_leaver_on_request(zelda, pam, client_for):
    client = client_for(pam)
    url = reverse("projects:anonymise")
    asked = {"person": zelda.pk, "reason": "Erasure request 2026-114 of 3 Nov 2026"}
    page = client.post(url, {**asked, "action": "preview"}).content.decode()
    assert 'Highlight report</td><td>summary</td><td class="text-end">1</td>' in page
    assert User.objects.get(pk=zelda.pk).anonymised_at is None  # a preview changes nothing

    unticked = client.post(url, {**asked, "action": "anonymise"}).content.decode()
    assert "Tick the box to say you understand it cannot be undone." in unticked
    assert User.objects.get(pk=zelda.pk).anonymised_at is None

    response = client.post(url, {**asked, "action": "anonymise", "confirm": "yes"}, follow=True)
    zelda.refresh_from_db()
    assert zelda.anonymised_at is not None
    assert f"zquintrell is now Former member of staff {zelda.pk}, everywhere." in (
        response.content.decode()
    )
    assert not any(trace in database_text() for trace in TRACES)
    event = AuditEvent.objects.filter(kind=AuditEvent.Kind.RIGHTS, object_id=str(zelda.pk))
    assert event.first().description == (
        "Anonymised: on request (Erasure request 2026-114 of 3 Nov 2026)."
    )
    assert event.first().actor == pam


def test_the_page_refuses_someone_still_switched_on(alice, pam, client_for):
    page = (
        client_for(pam)
        .post(
            reverse("projects:anonymise"),
            {"person": alice.pk, "reason": "x", "action": "anonymise", "confirm": "yes"},
        )
        .content.decode()
    )
    assert "Select a valid choice" in page
    alice.refresh_from_db()
    assert alice.anonymised_at is None and alice.username == "alice"

"""A hostile review of issue 19's hand-over and deputies. Each test states what should hold;
each failed at 6571ab7 and passes since the fixes (the stop's note lists the attacks)."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from projects import access, handover, workflow
from projects.models import AuditEvent, Deputy, HighlightReport, User
from tests.factories import ProjectFactory, ReportFactory, UserFactory


def pmo_group():
    return Group.objects.get_or_create(name=access.PMO)[0]


@pytest.fixture
def dee(db):
    return UserFactory(username="dee", first_name="Dee", last_name="Deputy")


def deputise(person, deputy):
    """`deputy` stands in for `person` from yesterday to a month from now."""
    today = timezone.localdate()
    return Deputy.objects.create(person=person, deputy=deputy,
                                 starts=today - datetime.timedelta(days=1),
                                 ends=today + datetime.timedelta(days=30))  # fmt: skip


def approve_as(client, user, report):
    client.force_login(user)
    return client.post(reverse("projects:report-approve", args=[
        report.project.code, report.period_slug]), {"version": report.version})  # fmt: skip


# --- Finding 1: a deputy approves what the sponsor themselves may not -----------------------


def _sponsor_wrote_part(report, bob, alice, pam, olive):
    report.writers.add(bob)
    workflow.submit(report, alice)
    report.refresh_from_db()
    # The PMO does what DESIGN.md asks: names someone else to approve it.
    workflow.name_approver(report, pam, olive)


def _sponsor_manages(report, bob, alice, pam, olive):
    report.project.manager = bob
    report.project.save()
    workflow.submit(report, pam)


def _sponsor_joined_the_pmo(report, bob, alice, pam, olive):
    workflow.submit(report, alice)
    bob.groups.add(pmo_group())


@pytest.mark.parametrize("why_not_the_sponsor", [
    _sponsor_wrote_part, _sponsor_manages, _sponsor_joined_the_pmo,
], ids=["sponsor-wrote-part", "sponsor-manages", "sponsor-in-pmo"])  # fmt: skip
def test_a_deputy_never_approves_a_report_the_sponsor_may_not_approve(
    why_not_the_sponsor, report, alice, bob, pam, olive, dee, client
):
    deputise(bob, dee)
    why_not_the_sponsor(report, bob, alice, pam, olive)
    report.refresh_from_db()
    assert access.sponsor_may_not_approve(report), "set-up: the sponsor is barred"
    assert report.status == HighlightReport.Status.SUBMITTED
    client.force_login(dee)
    listed = client.get(reverse("projects:home")).context["to_approve"]
    assert report not in listed, "the deputy is offered a report the sponsor may not approve"
    assert approve_as(client, dee, report).status_code == 403
    report.refresh_from_db()
    assert report.status == HighlightReport.Status.SUBMITTED


# --- Finding 2: a hand-over names approvers the PMO itself could not name -------------------


def _successor_in_pmo(lee, sam, waiting):
    sam.groups.add(pmo_group())


def _successor_manages_the_project(lee, sam, waiting):
    waiting.project.manager = sam
    waiting.project.save()


def _leaver_manages_the_project_the_successor_approves(lee, sam, waiting):
    # Lee manages it; Sam is the approver the PMO named for its report. After the hand-over
    # Sam would manage the project AND be named to approve its report.
    waiting.project.manager = lee
    waiting.project.save()
    waiting.named_approver = sam
    waiting.save()


@pytest.mark.parametrize("setup", [
    _successor_in_pmo, _successor_manages_the_project,
    _leaver_manages_the_project_the_successor_approves,
], ids=["successor-in-pmo", "successor-manages", "successor-gets-both"])  # fmt: skip
def test_a_hand_over_never_leaves_a_named_approver_the_pmo_could_not_name(setup, db):
    lee = UserFactory(username="lee")
    sam = UserFactory(username="sam")
    waiting = ReportFactory(project=ProjectFactory(code="APv.1"), named_approver=lee)
    waiting.status = HighlightReport.Status.SUBMITTED
    waiting.save()
    setup(lee, sam, waiting)
    preview = handover.plan(lee, sam)
    if not preview.errors:
        handover.carry_out(preview)
    waiting.refresh_from_db()
    waiting.project.refresh_from_db()
    refusal = workflow.approver_refusal(waiting, waiting.named_approver)
    assert not refusal, f"after the hand-over the report's named approver is barred: {refusal}"


# --- Finding 3: carry_out does not re-check the successor it hands to -----------------------


def test_nothing_is_handed_to_a_successor_switched_off_after_the_preview(db):
    lee = UserFactory(username="lee")
    sam = UserFactory(username="sam")
    other = UserFactory(username="other")
    project = ProjectFactory(code="SPv.1", sponsor=lee)
    preview = handover.plan(lee, sam)  # the PMO's page shows this...
    assert not preview.errors
    # ...meanwhile another PMO member hands Sam over (Sam is leaving too).
    handover.carry_out(handover.plan(sam, other))
    with pytest.raises(ValueError):
        handover.carry_out(preview)
    project.refresh_from_db()
    assert project.sponsor == lee, "the project went to a switched-off sponsor"
    assert User.objects.get(username="lee").is_active


# --- Finding 4: the same person handed over twice, two audit records -----------------------


def test_a_person_already_handed_over_is_not_handed_over_again(db):
    lee = UserFactory(username="lee")  # responsible for nothing (or everything moved already)
    sam = UserFactory(username="sam")
    other = UserFactory(username="other")
    first = handover.plan(lee, sam)  # two PMO members preview at the same time
    second = handover.plan(lee, other)
    handover.carry_out(first)
    with pytest.raises(ValueError):
        handover.carry_out(second)
    assert AuditEvent.objects.filter(kind="handover").count() == 1

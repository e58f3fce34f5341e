import pytest
from django.core.exceptions import PermissionDenied

from projects import workflow
from projects.models import HighlightReport

Status = HighlightReport.Status


def test_report_goes_from_draft_to_approved(report, alice, bob):
    workflow.submit(report, alice)
    assert report.status == Status.SUBMITTED
    assert report.submitted_by == alice
    workflow.approve(report, bob)
    report.refresh_from_db()
    assert report.status == Status.APPROVED
    assert report.approved_by == bob
    assert report.approved_at is not None


def test_sponsor_returns_with_comment_and_manager_resubmits(report, alice, bob):
    workflow.submit(report, alice)
    workflow.return_to_manager(report, bob, "Budget line needs a comment.")
    assert report.status == Status.RETURNED
    assert report.sponsor_comment == "Budget line needs a comment."
    workflow.submit(report, alice)
    assert report.status == Status.SUBMITTED


def test_return_needs_a_comment(report, alice, bob):
    workflow.submit(report, alice)
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.return_to_manager(report, bob, "   ")
    report.refresh_from_db()
    assert report.status == Status.SUBMITTED


def test_manager_withdraws_submitted_report(report, alice):
    workflow.submit(report, alice)
    workflow.withdraw(report, alice)
    assert report.status == Status.DRAFT


def test_pmo_reopens_approved_report_with_reason_and_approval_is_withdrawn(report, alice, bob, pam):
    workflow.submit(report, alice)
    workflow.approve(report, bob)
    with pytest.raises(workflow.TransitionNotAllowed):
        workflow.reopen(report, pam, "")
    workflow.reopen(report, pam, "Budget figures were wrong.")
    assert report.status == Status.DRAFT
    assert report.approved_by is None and report.approved_at is None
    assert report.reopen_reason == "Budget figures were wrong."


@pytest.mark.parametrize(
    "step, status",
    [
        ("approve", Status.DRAFT),
        ("withdraw", Status.DRAFT),
        ("submit", Status.SUBMITTED),
        ("submit", Status.APPROVED),
        ("reopen", Status.SUBMITTED),
        ("approve", Status.APPROVED),
        ("approve", Status.RETURNED),
    ],
)
def test_illegal_transitions_are_refused_and_change_nothing(report, alice, bob, pam, step, status):
    HighlightReport.objects.filter(pk=report.pk).update(status=status)
    report.refresh_from_db()
    actor = {"approve": bob, "withdraw": alice, "submit": alice, "reopen": pam}[step]
    call = {
        "approve": lambda: workflow.approve(report, actor),
        "withdraw": lambda: workflow.withdraw(report, actor),
        "submit": lambda: workflow.submit(report, actor),
        "reopen": lambda: workflow.reopen(report, actor, "a reason"),
    }[step]
    with pytest.raises(workflow.TransitionNotAllowed):
        call()
    report.refresh_from_db()
    assert report.status == status
    assert report.version == 1


def test_wrong_people_cannot_make_transitions(report, alice, bob, erin, pam, charlie):
    with pytest.raises(PermissionDenied):
        workflow.submit(report, erin)  # editors draft but do not submit
    with pytest.raises(PermissionDenied):
        workflow.submit(report, charlie)
    workflow.submit(report, alice)
    for not_the_sponsor in (alice, pam, charlie):
        with pytest.raises(PermissionDenied):
            workflow.approve(report, not_the_sponsor)
    workflow.approve(report, bob)
    with pytest.raises(PermissionDenied):
        workflow.reopen(report, alice, "I want to change it")


def test_pmo_may_submit_but_never_approve(report, pam):
    workflow.submit(report, pam)
    assert report.status == Status.SUBMITTED
    with pytest.raises(PermissionDenied):
        workflow.approve(report, pam)


def test_every_transition_bumps_the_version(report, alice, bob):
    assert report.version == 1
    workflow.submit(report, alice)
    assert report.version == 2
    workflow.approve(report, bob)
    assert report.version == 3

"""The highlight report's approval workflow (DESIGN.md):

    draft → submitted → approved
    submitted → returned (with the sponsor's comment) → submitted …
    submitted → draft (the manager withdraws it)
    approved → draft (the PMO reopens it, with a reason; the sponsor must approve again)

Each transition takes the report and the acting user, checks both the user's role and the
report's state under a row lock, and bumps the report's version so that any form opened
before the transition can no longer overwrite it.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from . import access
from .models import HighlightReport

Status = HighlightReport.Status


class TransitionNotAllowed(Exception):
    """The report is not in a state that allows this step (e.g. approving a draft)."""


def _transition(report, user, action, allowed_from, **changes):
    with transaction.atomic():
        locked = (
            HighlightReport.objects.select_for_update().select_related("project").get(pk=report.pk)
        )
        if not access.project_role(user, locked.project).allows(action):
            raise PermissionDenied
        if locked.status not in allowed_from:
            raise TransitionNotAllowed(
                f"This report is {locked.get_status_display().lower()}, so it cannot be "
                f"{PAST[action]}."
            )
        for field, value in changes.items():
            setattr(locked, field, value)
        locked.version += 1
        locked.save()
    report.refresh_from_db()
    return report


PAST = {
    "submit": "submitted",
    "withdraw": "withdrawn",
    "approve": "approved",
    "return": "returned",
    "reopen": "reopened",
}


def submit(report, user):
    return _transition(
        report,
        user,
        "submit",
        (Status.DRAFT, Status.RETURNED),
        status=Status.SUBMITTED,
        submitted_by=user,
        submitted_at=timezone.now(),
    )


def withdraw(report, user):
    return _transition(report, user, "withdraw", (Status.SUBMITTED,), status=Status.DRAFT)


def approve(report, user):
    return _transition(
        report,
        user,
        "approve",
        (Status.SUBMITTED,),
        status=Status.APPROVED,
        approved_by=user,
        approved_at=timezone.now(),
        reopen_reason="",
    )


def return_to_manager(report, user, comment):
    comment = (comment or "").strip()
    if not comment:
        raise TransitionNotAllowed("Say what needs to change before returning the report.")
    return _transition(
        report,
        user,
        "return",
        (Status.SUBMITTED,),
        status=Status.RETURNED,
        sponsor_comment=comment,
    )


def reopen(report, user, reason):
    reason = (reason or "").strip()
    if not reason:
        raise TransitionNotAllowed("Give a reason for reopening an approved report.")
    return _transition(
        report,
        user,
        "reopen",
        (Status.APPROVED,),
        status=Status.DRAFT,
        approved_by=None,
        approved_at=None,
        reopen_reason=reason,
    )

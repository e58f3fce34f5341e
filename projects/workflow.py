"""The highlight report's approval workflow (DESIGN.md):

    draft → submitted → approved
    submitted → returned (with the sponsor's comment) → submitted …
    submitted → draft (the manager withdraws it)
    approved → draft (the PMO reopens it, with a reason; the sponsor must approve again)

Separation of duties: nobody approves a report they wrote part of (access.ProjectRole).
Where that, or anything else, rules out the sponsor, the PMO names another approver for
that report (`name_approver`): never one of its own, nor anyone who wrote it.

Each transition takes the report and the acting user, checks both the user's role and the
report's state under a row lock, and bumps the report's version so that any form opened
before the transition can no longer overwrite it.
"""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from reports import services as documents

from . import access, audit, channels, notifications
from .models import HighlightReport
from .reporting import missing_rag_comments

Status = HighlightReport.Status


class TransitionNotAllowed(Exception):
    """The report is not in a state that allows this step (e.g. approving a draft)."""


# The states each transition leaves from.
ALLOWED_FROM = {
    "submit": (Status.DRAFT, Status.RETURNED),
    "withdraw": (Status.SUBMITTED,),
    "approve": (Status.SUBMITTED,),
    "return": (Status.SUBMITTED,),
    "reopen": (Status.APPROVED,),
    "name_approver": (Status.DRAFT, Status.SUBMITTED, Status.RETURNED),
}

VERBS = {"name_approver": "name an approver for"}

PAST = {
    "submit": "submitted",
    "withdraw": "withdrawn",
    "approve": "approved",
    "return": "returned",
    "reopen": "reopened",
    "name_approver": "given another approver",
}


def _transition(report, user, action, check=None, after=None, **changes):
    """Move the report on. `report.version` is what the user saw: if the report has changed
    since (a withdrawal and resubmission, an edit), nothing happens and they are told."""
    seen_version = report.version
    with transaction.atomic():
        locked = (
            HighlightReport.objects.select_for_update().select_related("project").get(pk=report.pk)
        )
        if not access.report_role(user, locked).allows(action):
            raise PermissionDenied
        if locked.status not in ALLOWED_FROM[action]:
            raise TransitionNotAllowed(
                f"This report is {locked.get_status_display().lower()}, so it cannot be "
                f"{PAST[action]}."
            )
        if locked.version != seen_version:
            raise TransitionNotAllowed(
                "The report has changed since you opened it: look at it again before you "
                f"{VERBS.get(action, action)} it."
            )
        if check:
            check(locked)
        for field, value in changes.items():
            setattr(locked, field, value)
        locked.version += 1
        locked._history_user = user  # outside a request too (shell, tasks)
        locked.save()
        if after:
            after(locked)
    report.refresh_from_db()
    return report


def _ratings_explained(report):
    problems = missing_rag_comments(report)
    if problems:
        raise TransitionNotAllowed(
            "Before submitting, add a comment to each RAG line that needs one: "
            + "; ".join(problems)
            + "."
        )


def _still_explained(report):
    """At approval: the money and key milestones are live until then, and may have moved
    since submission. A rating they now call too good, left unexplained, is not frozen:
    the sponsor returns it for the manager to explain."""
    problems = missing_rag_comments(report)
    if problems:
        raise TransitionNotAllowed(
            "It cannot be approved as it stands: since it was submitted, the money or the "
            "key milestones have changed, and " + "; ".join(problems) + ". Return it to the "
            "manager to explain."
        )


def told(report, event, user, email):
    """Those the email is for, and the programme's (or organisation's) channel."""
    email(report)
    channels.report_event(report, event, by=user)


def available_actions(report, role):
    """What the report's page offers: "edit" and each transition the user's role allows
    (access.ProjectRole) from the report's state now. Taking one checks both again."""
    actions = {a for a, states in ALLOWED_FROM.items() if report.status in states}
    if report.is_editable:
        actions.add("edit")
    allowed = {a for a in actions if role.allows(a)}
    if "name_approver" in allowed and not access.sponsor_may_not_approve(report):
        allowed.discard("name_approver")  # the sponsor approves: nobody else to name
    return frozenset(allowed)


def submit(report, user):
    now = timezone.now()
    return _transition(
        report,
        user,
        "submit",
        check=_ratings_explained,
        after=lambda r: told(r, "submitted", user, notifications.report_submitted),
        status=Status.SUBMITTED,
        submitted_by=user,
        submitted_at=now,
        first_submitted_at=report.first_submitted_at or now,
    )


def withdraw(report, user):
    return _transition(report, user, "withdraw", status=Status.DRAFT)


def approve(report, user):
    """Approval freezes the report: what it prints is kept as it stands now, and its PDF is
    rendered once from that; downloads and board packs use that file."""

    def freeze(locked):
        documents.freeze_approved_report(locked, user)
        told(locked, "approved", user, notifications.report_approved)

    return _transition(
        report,
        user,
        "approve",
        check=_still_explained,
        after=freeze,
        status=Status.APPROVED,
        approved_by=user,
        approved_for=deputised(report, user),
        approved_at=timezone.now(),
        reopen_reason="",
    )


def deputised(report, user):
    """Whom `user` approves for, as their deputy (None when it is their own to approve)."""
    if user.pk in (report.project.sponsor_id, report.named_approver_id):
        return None
    return access.deputising_approver(user, report)


def return_to_manager(report, user, comment):
    comment = (comment or "").strip()
    if not comment:
        raise TransitionNotAllowed("Say what needs to change before returning the report.")
    return _transition(
        report,
        user,
        "return",
        after=lambda r: told(r, "returned", user, notifications.report_returned),
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
        status=Status.DRAFT,
        approved_by=None,
        approved_for=None,
        approved_at=None,
        approved_snapshot=None,
        key_milestones_slip_days=None,
        money_budget=None,
        money_forecast=None,
        money_over_percent=None,
        reopen_reason=reason,
    )


def approver_refusal(report, approver):
    """Why `approver` may not approve `report` (a person the PMO would name), or ""."""
    if not approver.is_active:
        return f"{approver} no longer has an account."
    if access.is_pmo(approver):
        return f"{approver} is in the PMO, which does everything but approve."
    if approver.pk == report.project.manager_id:
        return f"{approver} manages the project."
    if approver.pk in access.writer_ids(report):
        return f"{approver} wrote part of this report."
    return ""


def name_approver(report, user, approver):
    """The PMO names `approver` to approve this report in place of a sponsor who may not
    (access.sponsor_may_not_approve). Recorded in the report's history and the audit; the
    person named is told by email."""

    def check(locked):
        why_not_sponsor = access.sponsor_may_not_approve(locked)
        if not why_not_sponsor:
            raise TransitionNotAllowed(
                f"The sponsor, {locked.project.sponsor}, may approve this report: there is "
                "no one else to name."
            )
        refusal = approver_refusal(locked, approver)
        if refusal:
            raise TransitionNotAllowed(f"{refusal} Name someone else.")
        locked._why_named = why_not_sponsor

    def after(locked):
        audit.record(
            audit.Kind.APPROVER,
            actor=user,
            obj=locked,
            description=f"{approver} ({approver.get_username()}) named to approve in place "
            f"of the sponsor. {locked._why_named}",
        )
        notifications.approver_named(locked, approver, user)

    return _transition(report, user, "name_approver", check=check, after=after,
                       named_approver=approver)  # fmt: skip

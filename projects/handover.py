"""A leaver's hand-over (issue 19): everything a person is responsible for goes to a
successor in one step, and the person is switched off (which ends their sessions).

What moves is what they would still have to do: projects they manage, sponsor or direct,
their editor places, risk registers and open risks they own, business-plan owner roles,
reports waiting for them to approve, and the monthly run's emails. What they did stays
theirs: who submitted, approved or wrote a report, who reviewed a risk or posted an update,
documents they asked for, the history and the audit. MOVES and HISTORY name every link from
a person to anything (tests/test_projects/test_handover.py checks that none is left out).
"""

import hashlib
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from . import access, audit
from .models import HighlightReport, Project, RaidItem, User

# Every link to a person, by "app_label.Model.field": those a hand-over moves, and those that
# record what the person did or are their own (kept as they are). Each app registers its
# own, with what lists its items (register(), called from risks, businessplan and reports:
# DESIGN.md's boundaries keep projects from importing them).
MOVES = {
    "projects.Project.sponsor", "projects.Project.manager", "projects.Project.director",
    "projects.Project.editors", "projects.HighlightReport.named_approver",
    # The RAID items still open that they own (issue 20); closed ones are what they did.
    "projects.RaidItem.owner",
}  # fmt: skip
HISTORY = {
    "admin.LogEntry.user", "account.EmailAddress.user", "socialaccount.SocialAccount.user",
    "mfa.Authenticator.user", "projects.AuditEvent.actor", "projects.ImportJob.owner",
    "projects.HighlightReport.submitted_by", "projects.HighlightReport.approved_by",
    "projects.HighlightReport.writers", "projects.HighlightReport.approved_for",
    # Deputies lapse by themselves: nobody deputises for, or as, someone switched off.
    "projects.Deputy.person", "projects.Deputy.deputy",
    # Who agreed a milestone's new baseline (and for whom): what they did.
    "projects.Rebaseline.agreed_by", "projects.Rebaseline.agreed_for",
    # A person's API tokens are their own: a switched-off person's stop working at once
    # (api_tokens.find), and nobody reads with another's.
    "projects.ApiToken.user",
    # Who last set a chat channel's webhook: what they did.
    "projects.ChannelHook.changed_by",
    # Who changed a retention rule, and who placed or lifted a legal hold: what they did.
    "projects.RetentionRule.changed_by", "projects.LegalHold.placed_by",
    "projects.LegalHold.lifted_by",
}  # fmt: skip
# (Historical* models' fields are the history itself: never moved.)
SOURCES = []


def register(source, moves=(), history=()):
    """An app's part of a hand-over: `source(plan)` appends its items to the plan."""
    SOURCES.append(source)
    MOVES.update(moves)
    HISTORY.update(history)


@dataclass
class Item:
    what: str  # as the preview lists it: "Sponsor of SORPv.1 Statements of …"
    obj: object = field(repr=False)
    link: str = field(repr=False)  # the field that moves
    many: bool = field(default=False, repr=False)  # a many-to-many link


@dataclass
class Plan:
    leaver: User
    successor: User
    items: list = field(default_factory=list)
    errors: list = field(default_factory=list)


def plan(leaver, successor):
    """What a hand-over from `leaver` to `successor` would move, and why it cannot (errors)."""
    result = Plan(leaver, successor)
    if successor.pk == leaver.pk:
        result.errors.append("A person cannot hand over to themselves.")
    if not successor.is_active:
        result.errors.append(f"{successor} is switched off: choose someone who is here.")
    _projects(result)
    _reports(result)
    _raid(result)
    for source in SOURCES:
        source(result)
    if not leaver.is_active and not result.items:  # handed over already
        result.errors.append(f"{leaver} is switched off already, with nothing to hand over.")
    return result


def _projects(result):
    leaver, successor = result.leaver, result.successor
    for role in ("sponsor", "manager", "director"):
        for project in Project.objects.filter(**{role: leaver}).order_by("code"):
            result.items.append(Item(f"{role.title()} of {project}", project, role))
    if result.leaver.sponsored_projects.exists():
        try:  # nobody in the PMO sponsors (DESIGN.md)
            Project(sponsor=successor).clean()
        except ValidationError as exc:
            result.errors.append(" ".join(exc.messages))
    for project in Project.objects.filter(editors=leaver).order_by("code"):
        result.items.append(Item(f"Editor of {project}", project, "editors", many=True))


def _raid(result):
    open_items = (
        RaidItem.objects.filter(owner=result.leaver)
        .exclude(status=RaidItem.Status.CLOSED)
        .select_related("project")
        .order_by("project__code", "kind", "number")
    )
    for item in open_items:
        result.items.append(Item(f"Owner of {item.project.code} {item}", item, "owner"))


def _reports(result):
    leaver, successor = result.leaver, result.successor
    waiting = HighlightReport.objects.filter(
        status__in=[HighlightReport.Status.DRAFT, HighlightReport.Status.SUBMITTED,
                    HighlightReport.Status.RETURNED],
    ).select_related("project")  # fmt: skip
    for report in waiting.filter(named_approver=leaver):
        result.items.append(Item(f"Named to approve {report}", report, "named_approver"))
    # Whoever is named to approve after the hand-over must be someone the PMO could name
    # (workflow.approver_refusal): the successor, where they take the leaver's place or
    # take over the project the report belongs to.
    affected = waiting.filter(Q(named_approver=leaver)
                              | Q(named_approver=successor, project__manager=leaver))  # fmt: skip
    for report in affected:
        manager_after = successor.pk if report.project.manager_id == leaver.pk else (
            report.project.manager_id)  # fmt: skip
        why = (
            "is in the PMO, which does not approve" if access.is_pmo(successor)
            else "would manage its project" if manager_after == successor.pk
            else "wrote part of it" if report.writers.filter(pk=successor.pk).exists()
            else ""
        )  # fmt: skip
        if why:
            result.errors.append(f"{report}: {successor} {why}, so may not be named to "
                                 "approve it; name its approver first.")  # fmt: skip


def responsibilities(person):
    """The items a hand-over from `person` would move: what they are still responsible for."""
    return plan(person, person).items


def fingerprint(preview):
    """What a preview listed, for its page to send back: a hand-over is carried out only if
    it would still do exactly that."""
    listed = "\n".join([preview.leaver.username, preview.successor.username,
                        *(i.what for i in preview.items)])  # fmt: skip
    return hashlib.sha256(listed.encode()).hexdigest()


def may_hand_over(user, leaver):
    """The PMO hands over anyone but an account that reaches the admin (a superuser's to
    switch off, as its rights are)."""
    return access.is_pmo(user) and (user.is_superuser or not (leaver.is_staff
                                                               or leaver.is_superuser))  # fmt: skip


def _move(item, leaver, successor, by):
    if item.many:
        getattr(item.obj, item.link).remove(leaver)
        getattr(item.obj, item.link).add(successor)
        return
    item.obj.refresh_from_db()
    setattr(item.obj, item.link, successor)
    item.obj._history_user = by  # who handed over, in the record's history
    item.obj.save()


@transaction.atomic
def carry_out(preview, by=None):
    """Moves every item, switches the leaver off (ending their sessions) and records it in
    the audit; refuses, changing nothing, if there are errors or the responsibilities are
    not those the preview listed."""
    # Both people read afresh and held (in one order, so two hand-overs never deadlock): a
    # successor switched off since the preview is refused.
    people = {u.pk: u for u in User.objects.select_for_update().filter(
        pk__in=[preview.leaver.pk, preview.successor.pk]).order_by("pk")}  # fmt: skip
    leaver = people[preview.leaver.pk]
    now = plan(leaver, people[preview.successor.pk])
    if now.errors:
        raise ValueError(" ".join(now.errors))
    if [i.what for i in now.items] != [i.what for i in preview.items]:
        raise ValueError("Responsibilities changed since the preview: look at it again.")
    for item in now.items:
        _move(item, leaver, now.successor, by)
    leaver.is_active = False
    leaver.save()
    listed = "\n".join(i.what for i in now.items)
    audit.record(audit.Kind.HANDOVER, actor=by, obj=leaver, description=(
        f"Handed over to {now.successor.get_username()} and switched off "
        f"({len(now.items)} responsibilities):\n{listed}"))  # fmt: skip
    return now

"""The RAID log's rules, in one place (issue 20): who keeps it, how items are numbered,
which are overdue, and what a report and the board pack print of it."""

from django.db import transaction
from django.db.models import Case, Max, Value, When
from django.utils import timezone

from . import access
from .milestones import shown
from .models import Project, RaidItem

Item = RaidItem
HIGH = Item.Priority.HIGH


def may_edit(user, project):
    """A project's RAID log is kept by whoever writes its reports: its manager, its editors,
    and the PMO."""
    return access.keeps_project_records(user, project)


def add(item, by):
    """Save a new item with the next number of its kind in its project: the project is
    held while numbering, so two people adding at once get I4 and I5, not two I4s."""
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=item.project_id).first()
        last = RaidItem.objects.filter(project=item.project, kind=item.kind).aggregate(
            last=Max("number")
        )["last"]
        item.number = (last or 0) + 1
        item._history_user = by
        item.save()
    return item


def is_overdue(item, today=None):
    """Open and past its due date."""
    today = today or timezone.localdate()
    return item.is_open and item.due is not None and item.due < today


def overdue_actions(project, today=None):
    """The project's open actions past their due date, the longest overdue first."""
    today = today or timezone.localdate()
    return list(
        project.raid.filter(kind=Item.Kind.ACTION, due__lt=today)
        .exclude(status=Item.Status.CLOSED)
        .select_related("owner")
        .order_by("due", "number")
    )


def days_words(days):
    return f"{days} day{'s' if days != 1 else ''}"


# --- In a highlight report ---------------------------------------------------------------


# Kinds as the log lists them (issues first, as RAID logs do), not alphabetically.
LOG_ORDER = Case(*(When(kind=kind, then=Value(n)) for n, kind in enumerate(Item.Kind.values)))


def report_items(project, today):
    """The project's open RAID items as a report prints them (plain data, frozen with the
    report at approval), by kind, the most pressing first; overdue ones say by how long."""
    items = (
        # As at the report's date: what was raised later is the next report's.
        project.raid.exclude(status=Item.Status.CLOSED)
        .filter(raised_on__lte=today)
        .select_related("owner", "issue", "depends_on")
        .order_by(LOG_ORDER, "-priority", "due", "number")
    )
    lines = []
    for item in items:
        late = (today - item.due).days if item.due and item.due < today else 0
        lines.append({
            "id": item.pk, "ref": item.ref, "kind": item.kind,
            "kind_shown": item.get_kind_display(),
            "title": item.title, "description": item.description,
            "owner": item.owner.get_full_name() or item.owner.username if item.owner else "",
            "raised": shown(item.raised_on), "due": shown(item.due),
            "due_on": item.due.isoformat() if item.due else "",
            "priority": item.get_priority_display(), "priority_key": item.priority,
            "status": item.get_status_display(),
            "overdue": f"{days_words(late)} overdue" if late else "",
            "for_board": item.for_board,
            "issue": item.issue.ref if item.issue_id else "",
            "depends_on": str(item.depends_on) if item.depends_on_id else "",
        })  # fmt: skip
    return lines


def grouped(lines):
    """A report's RAID lines by kind, in the log's order: [(kind label, lines)]."""
    groups = {}
    for line in lines or []:
        groups.setdefault(line["kind"], []).append(line)
    return [(PLURAL[kind], groups[kind]) for kind, _ in Item.Kind.choices if kind in groups]


PLURAL = {"issue": "Issues", "action": "Actions", "decision": "Decisions",
          "dependency": "Dependencies", "assumption": "Assumptions"}  # fmt: skip


def board_decisions(lines):
    """The open decisions a report puts to the board, with their due dates."""
    return [line for line in lines or [] if line["kind"] == Item.Kind.DECISION
            and line.get("for_board")]  # fmt: skip


def high_priority_issues(lines):
    return [line for line in lines or [] if line["kind"] == Item.Kind.ISSUE
            and line.get("priority_key", 0) >= HIGH]  # fmt: skip

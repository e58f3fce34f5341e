"""Who may read and do what with projects and highlight reports (DESIGN.md, "Who may do what").

Views never test roles themselves: they ask this module, which raises 404 for people who
may not read an object and 403 for people who may read it but not do the thing asked.
"""

from dataclasses import dataclass, replace

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from .models import Deputy, HighlightReport, Project

PMO = "PMO"
DIRECTORS = "Directors"


def group_names(user):
    if not user.is_authenticated:
        return frozenset()
    if not hasattr(user, "_highlight_groups"):
        user._highlight_groups = frozenset(user.groups.values_list("name", flat=True))
    return user._highlight_groups


def is_pmo(user):
    return PMO in group_names(user)


def is_director(user):
    return DIRECTORS in group_names(user)


@dataclass(frozen=True)
class ProjectRole:
    manager: bool = False
    editor: bool = False
    sponsor: bool = False
    pmo: bool = False
    director: bool = False
    # Deputising today for the project's sponsor (projects/deputies.py).
    sponsor_deputy: bool = False
    # Of one report (report_role): the PMO named them to approve it; they wrote part of it;
    # they deputise for whoever may approve it (never more than that person may do).
    named_approver: bool = False
    wrote: bool = False
    approver_deputy: bool = False

    @property
    def can_read_drafts(self):
        return (
            self.manager
            or self.editor
            or self.sponsor
            or self.pmo
            or self.director
            or self.named_approver
            or self.sponsor_deputy
        )

    @property
    def can_draft(self):
        return self.manager or self.editor or self.pmo

    @property
    def can_submit(self):
        # Editors draft; only the manager (or the PMO) puts a report forward.
        return self.manager or self.pmo

    @property
    def can_approve(self):
        # Separation of duties (DESIGN.md): approval is the sponsor's, or the approver the PMO
        # named for this report; never the PMO's, and never by anyone who wrote part of it.
        return (
            (self.sponsor or self.named_approver or self.approver_deputy)
            and not self.manager
            and not self.wrote
            and not self.pmo
        )

    @property
    def can_reopen(self):
        return self.pmo

    @property
    def can_name_approver(self):
        return self.pmo

    def allows(self, action):
        return getattr(self, ACTIONS[action])


# Each report action and the capability it needs.
ACTIONS = {
    "read": "can_read_drafts",
    "edit": "can_draft",
    "submit": "can_submit",
    "withdraw": "can_submit",
    "approve": "can_approve",
    "return": "can_approve",
    "reopen": "can_reopen",
    "name_approver": "can_name_approver",
}


def acting_for(user, on=None):
    """The ids of the people `user` deputises for today (or `on`): their reports to approve
    are the deputy's to approve too (projects/deputies.py)."""
    if not user.is_authenticated:
        return frozenset()
    if on is None and hasattr(user, "_acting_for"):
        return user._acting_for
    ids = frozenset(Deputy.objects.filter(
        deputy=user, starts__lte=on or timezone.localdate(),
        ends__gte=on or timezone.localdate(), person__is_active=True,
    ).values_list("person_id", flat=True))  # fmt: skip
    if on is None:
        user._acting_for = ids  # read once per request
    return ids


def project_role(user, project):
    if not user.is_authenticated:
        return ProjectRole()
    return ProjectRole(
        manager=project.manager_id == user.pk,
        editor=project.editors.filter(pk=user.pk).exists(),
        sponsor=project.sponsor_id == user.pk,
        sponsor_deputy=project.sponsor_id in acting_for(user),
        pmo=is_pmo(user),
        director=is_director(user),
    )


def writer_ids(report):
    """Who wrote part of the report (HighlightReport.writers), read once per request."""
    if not hasattr(report, "_writer_ids"):
        report._writer_ids = frozenset(report.writers.values_list("pk", flat=True))
    return report._writer_ids


def report_role(user, report, role=None):
    """The user's role on the report's project (`role`, if known already), and on this
    report: whether the PMO named them its approver, and whether they wrote part of it."""
    role = role or project_role(user, report.project)
    if not user.is_authenticated:
        return role
    return replace(
        role,
        named_approver=report.named_approver_id == user.pk,
        wrote=user.pk in writer_ids(report),
        approver_deputy=deputising_approver(user, report) is not None,
    )


def deputising_approver(user, report):
    """Whom `user` approves this report for as their deputy today, or None: the approver
    the PMO named, if any, else the sponsor; and only if that person may approve it
    themselves (a deputy never has more than the person they stand in for)."""
    acting = acting_for(user)
    if not acting:
        return None
    approver = report.named_approver if report.named_approver_id else report.project.sponsor
    if approver is None or approver.pk not in acting:
        return None
    if (approver.pk == report.project.manager_id or approver.pk in writer_ids(report)
            or is_pmo(approver) or not approver.is_active):  # fmt: skip
        return None
    return approver


def sponsor_may_not_approve(report):
    """Why the sponsor may not approve this report, or "" if they may: what the PMO reads
    before naming another approver."""
    sponsor = report.project.sponsor
    if sponsor is None:
        return "The project has no sponsor."
    if sponsor.pk == report.project.manager_id:
        return f"The sponsor, {sponsor}, is also the project manager."
    if sponsor.pk in writer_ids(report):
        return f"The sponsor, {sponsor}, wrote part of this report."
    if PMO in set(sponsor.groups.values_list("name", flat=True)):
        return f"The sponsor, {sponsor}, is in the PMO, which does not approve."
    if not sponsor.is_active:
        return f"The sponsor, {sponsor}, no longer has an account."
    return ""


def can_read_report(role, report):
    return report.status == HighlightReport.Status.APPROVED or role.can_read_drafts


def visible_reports(user, reports):
    """Filter a report queryset to what the user may read: approved ones, and drafts of
    projects where they are on the team, sponsor, PMO or a director."""
    if is_pmo(user) or is_director(user):
        return reports
    # A subquery for editors rather than a join, so no report is listed twice. A sponsor's
    # deputy, today, reads as the sponsor (ProjectRole.sponsor_deputy).
    return reports.filter(
        Q(status=HighlightReport.Status.APPROVED)
        | Q(project__manager=user)
        | Q(project__sponsor=user)
        | Q(project__sponsor__in=acting_for(user))
        | Q(named_approver=user)
        | Q(project__in=Project.objects.filter(editors=user).values("pk"))
    )


def writable_reports(user, reports):
    """Filter a report queryset to the reports the user drafts (ProjectRole.can_draft): their
    projects' as manager or editor, and every project's for the PMO."""
    if is_pmo(user):
        return reports
    return reports.filter(Q(project__manager=user) | Q(project__editors=user)).distinct()


def approvable_reports(user, reports):
    """Filter a report queryset to the reports the user would approve (ProjectRole.can_approve):
    their sponsored projects' and those the PMO named them to approve, except those of
    projects they manage and those they wrote part of; none for the PMO."""
    if is_pmo(user):
        return reports.none()
    own = reports.filter(Q(project__sponsor=user) | Q(named_approver=user))
    acting = acting_for(user)
    if acting:
        # As a deputy: for the approver the PMO named, or else the sponsor; never where
        # that person may not approve (report_role checks each report the same way).
        stand_in = (Q(named_approver__in=acting)
                    | Q(named_approver__isnull=True, project__sponsor__in=acting))  # fmt: skip
        candidates = reports.filter(stand_in, status=HighlightReport.Status.SUBMITTED)
        candidates = candidates.select_related("project__sponsor", "named_approver")
        ids = [r.pk for r in candidates if deputising_approver(user, r)]
        own = reports.filter(Q(pk__in=own.values("pk")) | Q(pk__in=ids))
    return own.exclude(project__manager=user).exclude(
        pk__in=HighlightReport.writers.through.objects.filter(user=user).values(
            "highlightreport_id"
        )
    )


def team_projects(user):
    """The projects the user manages, sponsors or edits."""
    return Project.objects.filter(Q(manager=user) | Q(sponsor=user) | Q(editors=user)).distinct()


def get_project(user, code):
    """Any signed-in user reads project pages; returns the project and the user's role."""
    try:
        project = Project.objects.select_related("sponsor", "manager", "parent").get(code=code)
    except Project.DoesNotExist:
        raise Http404("No such project.") from None
    return project, project_role(user, project)


def can_edit_project(user, project):
    """The project's description (benefits, workstreams, editors): its manager and the PMO.
    Its people, status and reporting rules are the PMO's alone (forms.ProjectForm)."""
    return project.manager_id == user.pk or is_pmo(user)


def can_create_project(user):
    return is_pmo(user)


def can_configure_project(user):
    """A project's people, status and reporting rules (who approves, who is chased) are the
    PMO's alone; its manager edits the rest of it (forms.ManagerProjectForm)."""
    return is_pmo(user)


def require_pmo(user):
    if not is_pmo(user):
        raise PermissionDenied


def get_project_to_edit(user, code):
    project, role = get_project(user, code)
    if not can_edit_project(user, project):
        raise PermissionDenied
    return project


def get_project_for(user, code, action):
    project, role = get_project(user, code)
    if not role.allows(action):
        raise PermissionDenied
    return project, role


def find_report(project, month):
    """The project's report whose period contains `month` (the first day of a month)."""
    return (
        HighlightReport.objects.select_related("project", "submitted_by", "approved_by")
        .filter(project=project, period_start__lte=month, period_end__gte=month)
        .order_by("period_start")
        .first()
    )


def get_report_history(user, code, month):
    """The report, for its history page: earlier drafts and the sponsor's comments are for
    those who read drafts, and the page is 404 for everyone else."""
    report, role = get_report(user, code, month)
    if not role.can_read_drafts:
        raise Http404("No such report.")
    return report


def get_report(user, code, month, action="read"):
    """The report and the user's role on its project: 404 for someone who may not read it,
    403 for someone who may read it but not do `action`."""
    project, role = get_project(user, code)
    report = find_report(project, month)
    if report is None:
        raise Http404("No such report.")
    report.project = project
    role = report_role(user, report, role)
    if not can_read_report(role, report):
        raise Http404("No such report.")
    if action != "read" and not role.allows(action):
        raise PermissionDenied
    return report, role


def keeps_project_records(user, project):
    """Who keeps a project's plan, money and RAID log (issue 20): whoever writes its
    reports, that is its manager, its editors and the PMO."""
    return project_role(user, project).can_draft

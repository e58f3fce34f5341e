"""Who may read and change risk registers (DESIGN.md, "Who may do what").

A project's register is read by that project's team, its sponsor, directors and the PMO; a
corporate register by its owner, its risk owners, directors and the PMO. The register
owner and the PMO may do everything in a register; a risk owner reviews and edits their own
risks. 404 for people who may not read, 403 for people who may read but not do.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from projects.access import is_director, is_pmo, team_projects

from .models import Risk, RiskRegister


@dataclass(frozen=True)
class RegisterRole:
    owner: bool = False
    pmo: bool = False
    director: bool = False
    team: bool = False
    risk_owner: bool = False

    @property
    def can_read(self):
        return self.owner or self.pmo or self.director or self.team or self.risk_owner

    @property
    def can_manage(self):
        """Add, edit, import and review any risk in the register."""
        return self.owner or self.pmo

    def can_edit(self, risk, user):
        return self.can_manage or (risk.owner_id is not None and risk.owner_id == user.pk)


def readable_registers(user):
    registers = RiskRegister.objects.all()
    if is_pmo(user) or is_director(user):
        return registers
    return registers.filter(
        Q(owner=user)
        | Q(pk__in=Risk.objects.filter(owner=user).values("register_id"))
        | Q(project__in=team_projects(user).values("pk"))
    )


def can_create_register(user):
    return is_pmo(user)


def register_role(user, register):
    team = register.project_id is not None and (
        register.project.manager_id == user.pk
        or register.project.sponsor_id == user.pk
        or register.project.editors.filter(pk=user.pk).exists()
    )
    return RegisterRole(
        owner=register.owner_id == user.pk,
        pmo=is_pmo(user),
        director=is_director(user),
        team=team,
        risk_owner=register.risks.filter(owner=user).exists(),
    )


def get_register(user, slug, manage=False):
    try:
        register = RiskRegister.objects.select_related("matrix", "project", "owner").get(slug=slug)
    except RiskRegister.DoesNotExist:
        raise Http404("No such register.") from None
    role = register_role(user, register)
    if not role.can_read:
        raise Http404("No such register.")
    if manage and not role.can_manage:
        raise PermissionDenied
    return register, role


def get_risk(user, slug, ref, edit=False):
    register, role = get_register(user, slug)
    try:
        risk = register.risks.select_related("category", "corporate_priority", "owner").get(ref=ref)
    except Risk.DoesNotExist:
        raise Http404("No such risk.") from None
    risk.register = register
    if edit and not role.can_edit(risk, user):
        raise PermissionDenied
    return risk, role

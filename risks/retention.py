"""Closed risks on the retention schedule (projects/retention.py), and what a register sits
under for legal holds: its project, and the programmes whose board packs print it."""

from projects import retention
from projects.retention import Due, expires, latest_start
from projects.retention_rules import SIX_YEARS

from .models import Risk, RiskRegister


@retention.records(
    "closed_risks", "Closed risks and their reviews", amount=6, unit="years",
    counted_from="after the risk closed",
    reason="How a risk was managed, kept as long as the decisions it informed. " + SIX_YEARS,
    order=40,
)  # fmt: skip
def closed_risks(rule, until):
    risks = (
        Risk.objects.filter(status=Risk.Status.CLOSED, closed_on__lte=latest_start(rule, until))
        .select_related("register")
        .order_by("closed_on", "register__name", "ref")
    )
    for risk in risks.iterator(chunk_size=500):
        yield Due(risk, f"{risk.ref} {risk.title[:60]} ({risk.register.name})",
                  expires(rule, risk.closed_on), risk.get_absolute_url())  # fmt: skip


@retention.sits_under(Risk)
def risk_parents(risk):
    return (risk.register,)


@retention.sits_under(RiskRegister)
def register_parents(register):
    return (*((register.project,) if register.project_id else ()), *register.programmes.all())


retention.holdable("Risk registers", lambda: RiskRegister.objects.order_by("name"))

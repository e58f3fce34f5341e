"""The project's top risks, for its highlight report page (projects may not import risks:
this app provides the tag, as DESIGN.md asks)."""

from django import template

from risks import access, registers, scoring
from risks.models import Risk, RiskMatrix

register = template.Library()

TOP_RISKS = 5


@register.inclusion_tag("risks/_top_risks.html", takes_context=True)
def top_risks(context, project):
    """The project's open risks with the highest residual scores, from the registers the
    signed-in user may read: a report is read more widely than its project's register."""
    user = context["request"].user
    readable = access.readable_registers(user).filter(project=project)
    matrices = {m.pk: m for m in RiskMatrix.objects.prefetch_related("bands")}
    risks = (
        registers.with_scores(Risk.objects.filter(register__in=readable, status="open"))
        .select_related("register")
        .order_by("-residual_score", "ref")[:TOP_RISKS]
    )
    rows = [
        {
            "risk": risk,
            "residual": scoring.assess(
                matrices[risk.register.matrix_id], risk.residual_probability, risk.residual_impact
            ),
            "outside_appetite": scoring.outside_appetite(risk, matrices[risk.register.matrix_id]),
        }
        for risk in risks
    ]
    return {"rows": rows}

"""The risk registers' part of a leaver's hand-over (projects/handover.py)."""

from projects import handover

from .models import Risk, RiskRegister


def items(plan):
    for register in RiskRegister.objects.filter(owner=plan.leaver).order_by("name"):
        plan.items.append(handover.Item(f"Owner of the risk register {register}", register,
                                        "owner"))  # fmt: skip
    open_risks = Risk.objects.filter(owner=plan.leaver).exclude(status=Risk.Status.CLOSED)
    for risk in open_risks.select_related("register").order_by("register__name", "pk"):
        plan.items.append(handover.Item(f"Owner of the risk {risk} ({risk.register})", risk,
                                        "owner"))  # fmt: skip


handover.register(
    items,
    moves={"risks.RiskRegister.owner", "risks.Risk.owner"},
    history={"risks.RiskReview.reviewed_by"},  # a closed risk's owner stays too
)

"""The documents' part of a leaver's hand-over (projects/handover.py)."""

from projects import handover

from .models import MonthlyRun


def items(plan):
    for run in MonthlyRun.objects.filter(notify=plan.leaver):
        plan.items.append(handover.Item("Told when the monthly run's documents are ready", run,
                                        "notify", many=True))  # fmt: skip


handover.register(
    items,
    moves={"reports.MonthlyRun.notify"},
    history={"reports.Document.requested_by", "reports.Document.requesters"},
)

"""The business plan's part of a leaver's hand-over (projects/handover.py)."""

from projects import handover

from .models import OwnerRole


def items(plan):
    for role in OwnerRole.objects.filter(users=plan.leaver).order_by("name"):
        plan.items.append(handover.Item(f"In the business plan's owner role {role}", role,
                                        "users", many=True))  # fmt: skip


handover.register(
    items,
    moves={"businessplan.OwnerRole.users"},
    history={"businessplan.ActivityUpdate.updated_by"},
)

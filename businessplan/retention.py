"""Business plans on the retention schedule (projects/retention.py)."""

import datetime

from projects import retention
from projects.models import Organisation
from projects.periods import months_later
from projects.retention import Due, expires, latest_start
from projects.retention_rules import SIX_YEARS

from .models import BusinessPlan


def plan_ended(plan, first_month):
    """The plan's last day: its end date, else the end of the financial year it names."""
    if plan.end:
        return plan.end
    start = datetime.date(int(plan.year[:4]), first_month, 1)
    return months_later(start, 12) - datetime.timedelta(days=1)


@retention.records(
    "business_plans", "Business plans, their activities and quarterly updates", amount=6,
    unit="years", counted_from="after the plan's year ended",
    reason="What the organisation committed to and reported against. " + SIX_YEARS,
    order=50,
)  # fmt: skip
def business_plans(rule, until):
    first_month = Organisation.current().financial_year_start
    latest = latest_start(rule, until)
    ended = sorted(
        ((plan_ended(plan, first_month), plan) for plan in BusinessPlan.objects.all()),
        key=lambda pair: pair[0],
    )
    for end, plan in ended:
        if end <= latest:
            yield Due(plan, str(plan), expires(rule, end), plan.get_absolute_url())


retention.holdable("Business plans", lambda: BusinessPlan.objects.order_by("-year"))

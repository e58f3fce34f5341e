"""The PMO's tolerances (issue 20): what a budget or timeline rating should at least be,
given the money and the key milestones. A rating better than that is allowed, but must say
why, on the form, on submission and on the report."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from . import finance
from .models import Organisation, RagDimension


@dataclass(frozen=True)
class Suggestion:
    """The status the figures suggest at least, and why, in the report's words."""

    status: object  # RagStatus
    reason: str


def _beyond(value, organisation, amber, red):
    """(status, threshold) of the worst tolerance `value` is beyond, or None."""
    levels = ((organisation.red_status, getattr(organisation, red)),
              (organisation.amber_status, getattr(organisation, amber)))  # fmt: skip
    for status, threshold in levels:
        if status is not None and threshold is not None and value > threshold:
            return status, threshold
    return None


def for_money(money, organisation=None):
    """What a report's money suggests (finance.worst_overspend), or None."""
    organisation = organisation or Organisation.current()
    worst = finance.worst_overspend(money)
    if worst is None or worst[2] <= 0:
        return None
    what, pence, percent = worst
    beyond = _beyond(percent, organisation, "budget_amber_percent", "budget_red_percent")
    if beyond is None:
        return None
    status, threshold = beyond
    if percent == finance.NO_BUDGET:
        why = f"the {what} forecast outturn is {finance.pounds(pence)} against no budget"
    else:
        shown = f"{percent.quantize(Decimal('0.1'), ROUND_HALF_UP)} %"
        why = (f"the {what} forecast outturn is {finance.pounds(pence)} ({shown}) over "
               f"budget, beyond the {status.name} tolerance of {plain(threshold)} %")  # fmt: skip
    return Suggestion(status, why)


def for_budget(budget, forecast, year_label, organisation=None):
    """What one year's budget and forecast outturn (pence) suggest, or None."""
    money = {"year_label": year_label, "total": {"budget": budget, "forecast": forecast}}
    return for_money(money, organisation)


def for_timeline(slip_days, organisation=None):
    """What the furthest key-milestone slippage (calendar days) suggests, or None."""
    organisation = organisation or Organisation.current()
    if not slip_days or slip_days <= 0:
        return None
    weeks = Decimal(slip_days) / 7
    beyond = _beyond(weeks, organisation, "timeline_amber_weeks", "timeline_red_weeks")
    if beyond is None:
        return None
    status, threshold = beyond
    shown = plain(weeks.quantize(Decimal("0.1"), ROUND_HALF_UP))
    return Suggestion(status, (
        f"a key milestone is {shown} week{'s' if shown != '1' else ''} late, beyond the "
        f"{status.name} tolerance of {plain(threshold)} week{'s' if threshold != 1 else ''}"
    ))  # fmt: skip


def plain(number):
    """A Decimal as people write it: 5, 7.5 (never 5.0)."""
    return f"{number.normalize():f}" if number == number.to_integral() else f"{number:f}"


def suggestions(money, slip_days):
    """{RagDimension.Measures value: Suggestion} from a report's money (finance.report_money)
    and its furthest key-milestone slippage in days."""
    organisation = Organisation.current()
    found = {
        RagDimension.Measures.BUDGET: for_money(money, organisation),
        RagDimension.Measures.TIMELINE: for_timeline(slip_days, organisation),
    }
    return {measure: found for measure, found in found.items() if found is not None}


def better_than(status, suggestion):
    """True when `status` is rated better than the Suggestion (None: no suggestion)."""
    if status is None or suggestion is None:
        return False
    return status.severity < suggestion.status.severity

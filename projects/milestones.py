"""Milestones' figures and rules, in one place (issue 20): how far a milestone has slipped
against its baseline, and who may move a baseline. Pages and documents only print what
this module works out."""

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from . import access
from .models import HighlightReport, Milestone, Rebaseline
from .schedule import bank_holidays


def working_days_between(start, end):
    """Working days from `start` to `end` (after the one, up to and including the other):
    negative when `end` is earlier. Weekends and bank holidays do not count. Counted by
    weeks, not day by day: two dates centuries apart cost no more than two a week apart."""
    if end < start:
        return -working_days_between(end, start)
    weeks, extra = divmod((end - start).days, 7)
    weekdays = weeks * 5 + sum(
        (start + datetime.timedelta(days=i)).weekday() < 5 for i in range(1, extra + 1)
    )
    holidays = sum(
        1
        for year in range(start.year, end.year + 1)
        for day in bank_holidays(year)
        if day.year == year and start < day <= end and day.weekday() < 5
    )
    return weekdays - holidays


@dataclass(frozen=True)
class Slip:
    """How far a milestone's date (its actual, else its forecast) is from its baseline."""

    working_days: int
    days: int
    against: str  # "actual" or "forecast"

    @property
    def weeks(self):
        return round(self.days / 7, 1)

    @property
    def late(self):
        return self.days > 0

    def __str__(self):
        if self.days == 0:
            return "on its baseline"
        direction = "late" if self.late else "early"
        days = abs(self.working_days)
        return (f"{days} working day{'s' if days != 1 else ''} ({abs(self.weeks):g} "
                f"week{'s' if abs(self.weeks) != 1 else ''}) {direction}")  # fmt: skip


def slippage(milestone):
    """Its Slip, or None while it has no baseline or no date to hold against it."""
    against = "actual" if milestone.actual else "forecast"
    date = milestone.actual or milestone.forecast
    if milestone.baseline is None or date is None:
        return None
    if milestone.status == Milestone.Status.CANCELLED:
        return None
    return Slip(working_days_between(milestone.baseline, date),
                (date - milestone.baseline).days, against)  # fmt: skip


def may_edit(user, project):
    """A project's plan is kept by whoever writes its reports: its manager, its editors,
    and the PMO."""
    return access.keeps_project_records(user, project)


def may_rebaseline(user, project):
    """Moving an agreed date is the sponsor's to agree (or their deputy's, while they are
    away); never the PMO's, which agrees nothing, nor the manager's, whose plan it is."""
    role = access.project_role(user, project)
    if role.pmo or role.manager:
        return False
    if role.sponsor:
        return True
    # A deputy may do what the sponsor may, never more: not for a sponsor who manages the
    # project or is in the PMO.
    sponsor = project.sponsor
    return role.sponsor_deputy and sponsor.pk != project.manager_id and not access.is_pmo(sponsor)


def rebaseline(milestone, new_baseline, reason, by):
    """Move an agreed baseline, recording from when, to when, why and who agreed; returns
    the Rebaseline. PermissionDenied for anyone but the sponsor (or deputy); ValidationError
    for a move that says nothing."""
    project = milestone.project
    if not may_rebaseline(by, project):
        raise PermissionDenied("Only the project's sponsor agrees a new baseline.")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("Say why the baseline moves: the board will ask.")
    with transaction.atomic():
        locked = (
            Milestone.objects.select_for_update().select_related("project").get(pk=milestone.pk)
        )
        if locked.baseline is None:
            raise ValidationError("This milestone has no baseline yet: its manager sets it.")
        if locked.actual:
            raise ValidationError(f"It was met on {locked.actual:%d/%m/%Y}: its baseline "
                                  "stays as agreed.")  # fmt: skip
        if locked.status == Milestone.Status.CANCELLED:
            raise ValidationError("It is cancelled: its baseline stays as agreed.")
        if new_baseline == locked.baseline:
            raise ValidationError(f"The baseline is {new_baseline:%d/%m/%Y} already.")
        record = Rebaseline.objects.create(
            milestone=locked, old_baseline=locked.baseline, new_baseline=new_baseline,
            reason=reason, agreed_by=by,
            agreed_for=None if project.sponsor_id == by.pk else project.sponsor,
        )  # fmt: skip
        locked.baseline = new_baseline
        locked.version += 1
        locked._history_user = by
        locked._change_reason = f"Re-baselined: {reason}"[:100]
        locked.save()
    return record


# --- In a highlight report ---------------------------------------------------------------


def report_lines(project, previous_lines=None):
    """The project's key milestones as a report prints them (plain data, frozen with the
    report at approval): dates, slippage, and the forecast the last approved report gave
    (`previous_lines`, its own lines) with how far it has moved since."""
    before = {line["id"]: line for line in previous_lines or []}
    lines = []
    for milestone in project.milestones.filter(key=True).select_related("workstream"):
        slip = slippage(milestone)
        previous = before.get(milestone.pk, {})
        previous_day = previous.get("forecast_on")
        previous_day = datetime.date.fromisoformat(previous_day) if previous_day else None
        moved = None
        if previous_day and milestone.forecast and previous_day != milestone.forecast:
            moved = working_days_between(previous_day, milestone.forecast)
        lines.append({
            "id": milestone.pk, "name": milestone.name,
            "workstream": milestone.workstream.name if milestone.workstream else "",
            "baseline": shown(milestone.baseline), "forecast": shown(milestone.forecast),
            "actual": shown(milestone.actual), "status": milestone.get_status_display(),
            # The forecast as a date, for the next report to measure its movement from.
            "forecast_on": milestone.forecast.isoformat() if milestone.forecast else "",
            "previous_forecast": previous.get("forecast", ""), "moved": moved_words(moved),
            "slip": str(slip) if slip else "", "late": bool(slip and slip.late),
            "slip_days": slip.days if slip else 0,
        })  # fmt: skip
    return lines


def shown(day):
    """A date as reports print it."""
    return day.strftime("%d/%m/%Y") if day else ""


def moved_words(working_days):
    if not working_days:
        return ""
    direction = "later" if working_days > 0 else "earlier"
    days = abs(working_days)
    return f"{days} working day{'s' if days != 1 else ''} {direction}"


def worst_slip(snapshot):
    """From a report's snapshot: the furthest a key milestone still to be met was behind
    its baseline, in days (0 when none was); None when the report printed no key
    milestones."""
    lines = (snapshot or {}).get("milestones") or []
    if not lines:
        return None
    # Those still to be met: one met late is history, not the timeline's state.
    return max((line.get("slip_days", 0) for line in lines
                if line.get("late") and not line.get("actual")), default=0)  # fmt: skip


def worst_live_slip(project):
    """The furthest any key milestone still to be met is behind its baseline now, in days
    (0 when none is behind). One met late is history, not the timeline's state."""
    slips = (slippage(m) for m in project.milestones.filter(key=True, actual__isnull=True))
    return max((slip.days for slip in slips if slip and slip.late), default=0)


def slip_words(days):
    """As the dashboard prints a report's worst key-milestone slippage."""
    if days is None:
        return ""
    if days <= 0:
        return "On plan"
    weeks = round(days / 7, 1)
    return f"{weeks:g} week{'s' if weeks != 1 else ''} late"


def moved_since_approved(project, milestones):
    """{milestone id: words} for each milestone whose forecast moved since the project's
    last approved report printed it ("10 working days later"); one query."""
    latest = (
        HighlightReport.objects.filter(project=project, status=HighlightReport.Status.APPROVED)
        .exclude(approved_snapshot=None).order_by("-period_start")
        .values_list("approved_snapshot", flat=True).first()
    )  # fmt: skip
    before = {line["id"]: line.get("forecast_on") for line in (latest or {}).get("milestones", [])}
    moved = {}
    for milestone in milestones:
        previous = before.get(milestone.pk)
        if previous and milestone.forecast:
            days = working_days_between(datetime.date.fromisoformat(previous), milestone.forecast)
            if days:
                moved[milestone.pk] = moved_words(days)
    return moved

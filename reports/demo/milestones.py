"""The living demo's milestones (issue 20): each project's stages as its dated plan, the
stages behind it met (some a few days late), and those ahead forecast as its Timeline RAG
last month says: on their baseline when Green, as many weeks late as its report says when
Amber or Red (writing.story_numbers, within the PMO's tolerances). Seeded after the reports, so no report approved before milestones existed
prints a forecast nobody gave at the time."""

import datetime
import random

from projects.models import Milestone
from projects.periods import add_months

from .portfolio import PROJECTS
from .writing import story_numbers

STATUS = {"Green": Milestone.Status.ON_TRACK, "Amber": Milestone.Status.AT_RISK,
          "Red": Milestone.Status.LATE, "Blue": Milestone.Status.ON_TRACK}  # fmt: skip
TIMELINE = "Timeline"


def seed(projects, plans, anchor, today):
    """Milestones for every project that has none yet; returns how many were made."""
    made = 0
    for spec in PROJECTS:
        project = projects[spec.code]
        if project.milestones.exists() or not plans.get(spec.code):
            continue
        timeline = plans[spec.code][-1].ratings.get(TIMELINE, "Green")
        late = 0
        if timeline in ("Amber", "Red"):  # as many weeks as the report's words say
            late = 7 * story_numbers(spec.code, plans[spec.code], len(plans[spec.code]) - 1,
                                     TIMELINE)[0]  # fmt: skip
        made += len(plan(project, spec, anchor, today, timeline, late))
    return made


def plan(project, spec, anchor, today, timeline, late=0):
    rng = random.Random(f"highlight-demo-milestones:{spec.code}")  # noqa: S311  # nosec B311 (a story)
    start, end = add_months(anchor, spec.started), add_months(anchor, spec.ends)
    span = (end - start).days
    milestones = []
    for number, stage in enumerate(spec.stages, start=1):
        baseline = start + datetime.timedelta(days=round(span * number / len(spec.stages)))
        baseline = weekday(baseline)
        fields = {"baseline": baseline, "key": True, "order": number,
                  "name": f"{stage[:1].upper()}{stage[1:]} complete"}  # fmt: skip
        met = weekday(baseline + datetime.timedelta(days=rng.choice((0, 0, 2, 5, 9))))
        if met < today:  # behind it: met, a few days late at most (never a date to come)
            fields |= {"forecast": met, "actual": met, "status": Milestone.Status.COMPLETE}
        elif baseline < today:  # due days ago, about to be met
            fields |= {"forecast": met, "status": Milestone.Status.AT_RISK}
        else:
            forecast = weekday(baseline + datetime.timedelta(days=late))
            fields |= {"forecast": forecast, "status": STATUS[timeline]}
        milestones.append(Milestone.objects.create(project=project, **fields))
    return milestones


def weekday(day):
    """The Friday before, where a date falls at a weekend."""
    return day - datetime.timedelta(days=max(0, day.weekday() - 4))

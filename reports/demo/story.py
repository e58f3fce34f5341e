"""What happens to each project over the months the demo covers, decided before a word is
written: its reporting periods, its RAG period by period, and how last month's report
stands. Each project's story comes from a random.Random seeded with its code, so every seed
tells the same story, moved to end last month."""

import datetime
import random
from dataclasses import dataclass

from projects.periods import add_months, calendar_period, month_end

from .portfolio import AS_REQUIRED, PROGRAMMES, PROJECTS, QUARTERLY

MONTHS = 18  # of reports, ending last month
# Seeds every project's story. This one, out of the first 200, gives last month what a PMO
# sees in a real month: mostly Green, lines getting worse and better, a couple of Reds.
STORY = 136
GREEN, AMBER, RED, BLUE = "Green", "Amber", "Red", "Blue"
SEVERITY = {BLUE: 0, GREEN: 1, AMBER: 2, RED: 3}  # as the seeded scale ranks them

# How a line's RAG moves from one period to the next: {now: ((next, chance), …)}.
TEMPERS = {
    "steady": {GREEN: ((AMBER, 0.04),), AMBER: ((GREEN, 0.6), (RED, 0.03)), RED: ((AMBER, 0.6),)},
    "wobbly": {GREEN: ((AMBER, 0.08),), AMBER: ((GREEN, 0.5), (RED, 0.08)), RED: ((AMBER, 0.5),)},
    "troubled": {
        GREEN: ((AMBER, 0.25),),
        AMBER: ((GREEN, 0.2), (RED, 0.2)),
        RED: ((AMBER, 0.3),),
    },
}

# How last month's report stands where it is not simply approved. "overdue": the manager
# has written nothing since the month before last, so a report due weeks ago is missing.
LAST_MONTH = {
    "DSP-04": "submitted",
    "DSP-06": "submitted",
    "ASC-03": "submitted",
    "EAP-02": "returned",
    "ASC-05": "returned",
    "DSP-02": "reopened",
    "ASC-07": "draft",
    "EAP-04": "overdue",
}
# Last month's reports that went back to their manager once before they were approved.
RESUBMITTED = {"DSP-01", "ASC-02"}


@dataclass
class Period:
    start: datetime.date
    end: datetime.date
    ratings: dict  # {dimension name: status name}; the first dimension is the overall one
    number: int  # 1 for the project's first report in the demo
    state: str = "approved"  # or a LAST_MONTH state, or "resubmitted"
    workflow: bool = False  # last month's: through every step of the real workflow


def plan(anchor, dimensions):
    """{code: [Period, …]} for every project and programme, oldest first. `dimensions`
    are the active RAG dimensions' names, the overall one first."""
    plans = {}
    for spec in PROJECTS:
        spans = periods(spec, anchor)
        plans[spec.code] = [
            Period(start, end, ratings, number, *state(spec, start, anchor))
            for number, ((start, end), ratings) in enumerate(
                zip(spans, walk(spec, len(spans), dimensions), strict=True), start=1
            )
        ]
    for spec in PROGRAMMES:
        children = [plans[p.code] for p in PROJECTS if p.programme == spec.code]
        plans[spec.code] = [
            Period(
                start,
                end,
                programme_ratings(children, start, dimensions),
                number,
                workflow=start == anchor,
            )
            for number, (start, end) in enumerate(periods(spec, anchor), start=1)
        ]
    return plans


def periods(spec, anchor):
    """(start, end) of each report the project wrote in the demo's months."""
    first = max(add_months(anchor, -(MONTHS - 1)), add_months(anchor, spec.started))
    last = add_months(anchor, min(spec.ends, 0))
    if LAST_MONTH.get(spec.code) == "overdue":
        last = add_months(anchor, -2)
    if spec.cadence == QUARTERLY:
        spans, (start, end) = [], calendar_period(first, 3)
        if start < first:  # a quarter begun before the demo's months is not in it
            start, end = calendar_period(add_months(start, 3), 3)
        while end <= month_end(last):
            spans.append((start, end))
            start, end = calendar_period(add_months(start, 3), 3)
        return spans
    if spec.cadence == AS_REQUIRED:
        # Two months at a time, when the programme board asks: every five months or so.
        starts = [add_months(anchor, -offset) for offset in (16, 11, 6, 2)]
        return [(s, month_end(add_months(s, 1))) for s in starts if first <= s < last]
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    return [(add_months(first, i), month_end(add_months(first, i))) for i in range(count)]


def state(spec, start, anchor):
    """(state, through the workflow) of the report starting on `start`."""
    if start != anchor:
        return "approved", False
    if spec.code in RESUBMITTED:
        return "resubmitted", True
    return LAST_MONTH.get(spec.code, "approved"), True


def walk(spec, count, dimensions):
    """The RAG of each period: every line but the overall one moves by the project's
    temper, and the overall line is the worst of them. A closed project's last report is
    complete (Blue)."""
    rng = random.Random(f"highlight-demo:{STORY}:{spec.code}")  # noqa: S311  # nosec B311 (a story, not a secret)
    moves = TEMPERS[spec.temper]
    lines = dict.fromkeys(dimensions[1:], GREEN)
    story = []
    for number in range(1, count + 1):
        if number > 1:
            lines = {name: step(rng, moves, status) for name, status in lines.items()}
        if spec.closed and number == count:
            lines = dict.fromkeys(lines, BLUE)
        story.append({dimensions[0]: overall(lines.values()), **lines} if dimensions else {})
    return story


def step(rng, moves, status):
    roll = rng.random()
    for after, chance in moves[status]:
        if roll < chance:
            return after
        roll -= chance
    return status


def overall(statuses):
    return max(statuses, key=SEVERITY.get, default=GREEN)


def of_projects(statuses):
    """A programme's line from its projects': Red when two are Red, Amber when one is or
    two are Amber; a single Amber project is the programme's ordinary weather."""
    statuses = list(statuses)
    if statuses.count(RED) >= 2:
        return RED
    if RED in statuses or statuses.count(AMBER) >= 2:
        return AMBER
    return GREEN


def programme_ratings(children, start, dimensions):
    """A programme's lines, each of_projects() that month; a project that has closed no
    longer counts."""
    month = [
        p.ratings
        for plan in children
        for p in plan
        if p.start <= start <= p.end and BLUE not in p.ratings.values()
    ]
    return {name: of_projects(r[name] for r in month if name in r) for name in dimensions}

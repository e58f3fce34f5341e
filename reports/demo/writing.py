"""A living-demo report's words, written from its project's story (story.py) with the
phrases in words.py: the summary, achievements and plans, a reason on every RAG line the
report's own rule asks one of (projects.reporting.comment_needed), and concerns.

Repeatable: every choice comes from a random.Random seeded with the project and period, and
a problem keeps the cause it started with for as long as it lasts."""

import random
from dataclasses import dataclass, field

from projects.reporting import comment_needed
from projects.schedule import add_working_days, is_working_day

from . import words
from .story import BLUE, GREEN, SEVERITY

DAY = "%d/%m/%Y"


@dataclass
class Written:
    fields: dict
    comments: dict  # {dimension name: comment}
    concerns: list = field(default_factory=list)  # (concern, countermeasure)


def seeded(*parts):
    return random.Random(":".join(str(p) for p in ("highlight-demo", *parts)))  # noqa: S311  # nosec B311


def episode_start(plan, index, name):
    """Where a line's present run of one colour began: its cause stays the same."""
    while index and plan[index - 1].ratings.get(name) == plan[index].ratings[name]:
        index -= 1
    return index


# Within the PMO's default tolerances (projects.models.Organisation: Amber over 2 weeks or
# 5 %, Red over 6 weeks or 10 %), so the words, the milestones and the money agree with
# the rating they explain.
WEEKS_LATE = {"Amber": (3, 6), "Red": (7, 12)}


def story_numbers(code, plan, index, name):
    """(weeks late, £k over budget) as a line's story has them at `index`: growing a week a
    month while the line stays the colour it is. The report's words, the demo's milestones
    and its money all take them from here."""
    episode = episode_start(plan, index, name)
    rng = seeded(code, name, episode, "numbers")
    low, high = WEEKS_LATE.get(plan[index].ratings.get(name), (2, 6))
    weeks = min(high, max(low, 2 + index - episode + rng.randint(0, 2)))
    return weeks, rng.choice((45, 60, 85, 120, 180, 240))


def capital(text):
    return text[:1].upper() + text[1:]


def direction(now, before):
    if before is None or SEVERITY[now] > SEVERITY[before]:
        return "worse"
    return "better" if SEVERITY[now] < SEVERITY[before] else "same"


def last_working_day(day):
    while not is_working_day(day):
        day = day.fromordinal(day.toordinal() - 1)
    return day


class Writer:
    """Writes each report of one project or programme, oldest first."""

    def __init__(self, spec, plan, start, statuses, programme=None, children=()):
        self.spec, self.plan, self.start, self.statuses = spec, plan, start, statuses
        self.programme = programme or spec  # the programme's own spec for a programme
        self.children = children  # a programme's projects: [(spec, plan), …]

    def write_all(self):
        """Each period's Written, oldest first; each plans what the next one reports on."""
        written, planned = [], ""
        for index in range(len(self.plan)):
            written.append(self.write(index, planned))
            planned = written[-1].fields["next_period"]
        return written

    def write(self, index, planned=""):
        period = self.plan[index]
        before = self.plan[index - 1].ratings if index else {}
        rng = seeded(self.spec.code, period.start)
        comments = {
            name: self.comment(index, name, status, before.get(name), rng)
            for name, status in period.ratings.items()
        }
        overall = next(iter(period.ratings.values()), GREEN)
        fields = {
            "report_date": last_working_day(period.end),
            "status_word": rng.choice(words.STATUS_WORDS[overall]),
            "percent_complete": self.percent(index),
            "summary": self.summary(index, comments, rng),
            "planned_this_period": planned,
            "achievements": self.achievements(index, rng),
            "next_period": self.next_period(index, rng),
            "issues": "\n\n".join(
                c for name, c in list(comments.items())[1:] if period.ratings[name] != GREEN and c
            )
            or "None this period.",
            "risks_narrative": f"Risks are reviewed monthly at the {self.programme.name} "
            "Programme Board; the highest are in the board pack's risk summary.",
            "decisions_required": self.decision(index, rng),
            "governance": self.governance(period),
            "communication": rng.choice(words.COMMUNICATION),
        }
        return Written(fields, comments, self.concerns(index, before))

    # --- where the work is ----------------------------------------------------------------

    def fraction(self, index):
        """How far through its life the project is at the end of the period."""
        period = self.plan[index]
        lived = (period.end.year - self.start.year) * 12 + period.end.month - self.start.month + 1
        return min(1.0, lived / self.months)

    @property
    def months(self):
        return self.spec.ends - self.spec.started + 1

    def stage(self, index):
        stages = self.spec.stages
        return stages[min(len(stages) - 1, int(self.fraction(index) * len(stages)))]

    def percent(self, index):
        if BLUE in self.plan[index].ratings.values():
            return 100
        behind = {"Amber": 5, "Red": 12}.get(self.plan[index].ratings.get("Timeline"), 0)
        return max(0, min(99, round(100 * self.fraction(index)) - behind))

    # --- RAG reasons ----------------------------------------------------------------------

    def comment(self, index, name, status, before, rng):
        needed = comment_needed(self.statuses[status], self.statuses.get(before))
        if status == BLUE:
            return words.COMPLETE
        if not needed:
            return rng.choice(words.GREEN_NOTES) if status == GREEN else ""
        if name == next(iter(self.plan[index].ratings)):
            return self.overall_reason(index, status)
        if self.children:
            return self.programme_reason(index, name, status)
        templates = words.REASONS.get(name, {}).get((status, direction(status, before)))
        if not templates:
            return f"{status}: see the issues section below."
        episode = self.episode(index, name)
        story = seeded(self.spec.code, name, episode)
        causes = words.CAUSES[self.programme.code].get(name) or words.CAUSES["EAP"]["Timeline"]
        return rng.choice(templates).format(
            Stage=capital(self.stage(index)),
            stage=self.stage(index),
            cause=story.choice(causes),
            fix=story.choice(words.FIXES[self.programme.code]),
            **dict(zip(("weeks", "money"), story_numbers(self.spec.code, self.plan, index, name),
                       strict=True)),
        )  # fmt: skip

    def episode(self, index, name):
        return episode_start(self.plan, index, name)

    def overall_reason(self, index, status):
        ratings = list(self.plan[index].ratings.items())[1:]
        off = [f"{name} is {now}" for name, now in ratings if now != GREEN]
        if not off:
            return "Back to Green: every line is Green again."
        listed = off[0] if len(off) == 1 else f"{', '.join(off[:-1])} and {off[-1]}"
        return f"{status} overall because {listed}: see below."

    def programme_reason(self, index, name, status):
        month = self.plan[index].start
        names = [
            f"{spec.name} ({p.ratings[name]})"
            for spec, plan in self.children
            for p in plan
            if p.start <= month <= p.end and p.ratings.get(name) not in (GREEN, BLUE, None)
        ]
        if status == GREEN or not names:
            return f"Back to Green: no project is Amber or Red on {name}."
        return f"{status}: {'; '.join(names)}. See their reports."

    # --- the narrative --------------------------------------------------------------------

    def summary(self, index, comments, rng):
        kind = "programme" if self.children else "project"
        doing = f"This period's focus was {self.stage(index)}: {self.progress(index, rng)}."
        if self.children:
            doing = self.programme_position(index)
        overall = next(iter(comments.values()), "") or "All lines are Green."
        return f"The {kind} will {self.spec.aim}. {doing} {overall}"

    def progress(self, index, rng):
        return rng.choice(words.PROGRESS).format(percent=self.percent(index))

    def programme_position(self, index):
        month = self.plan[index].start
        now = [
            next(iter(p.ratings.values()))
            for _, plan in self.children
            for p in plan
            if p.start <= month <= p.end and p.ratings
        ]
        counts = ", ".join(f"{now.count(s)} {s}" for s in (GREEN, "Amber", "Red", BLUE) if s in now)
        return f"{len(now)} projects reported this period: {counts}."

    def achievements(self, index, rng):
        lines = [f"{capital(self.stage(index))}: {self.progress(index, rng)}"]
        if index and self.stage(index - 1) != self.stage(index):
            lines.insert(0, f"{capital(self.stage(index - 1))} completed and signed off")
        lines += rng.sample(words.ROUTINE, 2)
        return "\n".join(f"- {line}" for line in lines)

    def next_period(self, index, rng):
        stages = self.spec.stages
        now = stages.index(self.stage(index))
        lines = [f"Continue {self.stage(index)}"]
        if now + 1 < len(stages) and self.fraction(index) * len(stages) % 1 > 0.6:
            lines.append(f"Prepare for {stages[now + 1]}")
        lines.append(rng.choice(words.NEXT_ROUTINE))
        return "\n".join(f"- {line}" for line in lines)

    def decision(self, index, rng):
        if self.plan[index].number % 5:
            return "None this month."
        return rng.choice(words.DECISIONS).format(
            stage=self.stage(index), money=rng.choice((50, 75, 120))
        )

    def governance(self, period):
        board = last_working_day(period.end.replace(day=20))
        forward = add_working_days(period.end, 8)
        if self.children:
            return (
                f"Programme board met on {board:{DAY}}. This report goes to the Corporate "
                f"Management Team on {forward:{DAY}}."
            )
        return (
            f"Project board met on {board:{DAY}}. This report goes to the "
            f"{self.programme.name} Programme Board on {forward:{DAY}}."
        )

    def concerns(self, index, before):
        name = "Issues & Risks"
        status = self.plan[index].ratings.get(name)
        if self.children or status in (None, GREEN, BLUE) or before.get(name) == status:
            return []
        story = seeded(self.spec.code, name, self.episode(index, name))
        cause = story.choice(words.CAUSES[self.programme.code][name])
        return [
            (capital(cause) + ".", capital(story.choice(words.FIXES[self.programme.code])) + ".")
        ]

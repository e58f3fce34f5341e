"""The living demo's RAID logs (issue 20): what each project's story has it dealing with
now. A Timeline or Budget line Amber or Red last month is an open issue (High, or Critical
when Red) saying what its report says, with an action on it for the manager; a Red budget
also puts a decision to the board, due at its next meeting; every project states the
assumption its funding rests on, and a programme's later projects depend on its first.
Some actions are past due, as in any real log. Seeded after the reports, as the money and
milestones are, so no report approved before the log existed prints an item."""

import datetime

from projects.models import RaidItem
from projects.periods import add_months

from .portfolio import PROJECTS
from .writing import story_numbers

WATCHED = ("Timeline", "Budget")
PRIORITY = {"Amber": RaidItem.Priority.HIGH, "Red": RaidItem.Priority.CRITICAL}


def seed(projects, plans, today):
    """RAID items for every active project without any; returns how many were made."""
    made = 0
    first_of = {}  # each programme's first project: the others depend on it
    for spec in PROJECTS:
        if spec.closed or not plans.get(spec.code):
            continue
        project = projects[spec.code]
        first = first_of.setdefault(spec.programme, project) if spec.programme else project
        if project.raid.exists():
            continue
        items = story_items(spec, plans[spec.code], today)
        items.append(item(RaidItem.Kind.ASSUMPTION, "Funding stays as agreed for the rest of "
                          "the year", today - datetime.timedelta(days=120)))  # fmt: skip
        if first is not project:
            items.append(item(RaidItem.Kind.DEPENDENCY, f"Needs {first.name} to keep to its "
                              "plan", today - datetime.timedelta(days=90), depends_on=first))  # fmt: skip
        numbers = {}
        for fields in items:
            action_on = fields.pop("action_on", None)
            kind = fields["kind"]
            numbers[kind] = numbers.get(kind, 0) + 1
            saved = RaidItem.objects.create(project=project, number=numbers[kind],
                                            owner=project.manager, **fields)  # fmt: skip
            if action_on:
                numbers[RaidItem.Kind.ACTION] = numbers.get(RaidItem.Kind.ACTION, 0) + 1
                RaidItem.objects.create(project=project, number=numbers[RaidItem.Kind.ACTION],
                                        owner=project.manager, issue=saved, **action_on)  # fmt: skip
                made += 1
            made += 1
    return made


def item(kind, title, raised, **fields):
    return {"kind": kind, "title": title, "raised_on": raised, **fields}


def story_items(spec, plan, today):
    """The issues, actions and decisions last month's Timeline and Budget lines give."""
    last = len(plan) - 1
    items = []
    for name in WATCHED:
        status = plan[last].ratings.get(name)
        if status not in PRIORITY:
            continue
        weeks, money = story_numbers(spec.code, plan, last, name)
        raised = add_months(today, -1)
        late = (last + sum(map(ord, spec.code))) % 3 == 0  # some actions slip
        due = today + datetime.timedelta(days=-6 if late else 14)
        if name == "Timeline":
            title = f"Running {weeks} weeks behind the agreed plan"
            action = f"Agree a recovery plan that wins back {weeks} weeks"
        else:
            title = f"Forecast £{money}k over budget"
            action = f"Find savings or funding for the £{money}k pressure"
        items.append(item(RaidItem.Kind.ISSUE, title, raised, priority=PRIORITY[status],
                          action_on={"kind": RaidItem.Kind.ACTION, "title": action,
                                     "raised_on": raised, "due": due,
                                     "priority": PRIORITY[status]}))  # fmt: skip
        if name == "Budget" and status == "Red":
            items.append(item(RaidItem.Kind.DECISION, f"Release £{money}k from contingency, "
                              "or descope", raised, for_board=True, priority=PRIORITY[status],
                              due=add_months(today, 1)))  # fmt: skip
    return items

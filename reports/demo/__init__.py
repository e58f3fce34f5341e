"""The living demo: Brackenford Borough Council, an invented council whose portfolio a
newcomer sees on the dashboard as soon as `make run` has finished. Three programmes and
their projects (portfolio.py), eighteen months of highlight reports ending last month
(story.py decides what happens, writing.py words it, history.py writes it through the
workflow), last month in every state a PMO meets, risk registers with risks outside
appetite (registers.py), and last month's monthly run with its board packs (pack.py).

A part as each app's demo is (projects.demo describes them), `seed(users, stdout)` called
by `seed_demo` after the samples, but it makes its own people (people.py: one password
hash for twenty of them), so its `USERS` for seed_users is empty. Everything is created
once: a second seed, even months later, changes nothing, and the months stay those of the
first seed.
"""

from django.db.models import Max
from django.utils import timezone

from projects.models import HighlightReport, RagDimension, RagStatus
from projects.periods import previous_month

from . import history, milestones, money, pack, people, portfolio, raid, registers, story
from .portfolio import name_the_organisation

__all__ = ["USERS", "name_the_organisation", "seed"]

USERS = ()  # the people are made by people.seed()


def seed(users, stdout):
    today = timezone.localdate()
    month = last_month_of_reports(today)
    users = {**users, **people.seed()}
    projects = portfolio.seed(users, month)
    dimensions = [d.name for d in RagDimension.objects.filter(active=True)]
    statuses = {s.name: s for s in RagStatus.objects.all()}
    plans = story.plan(month, dimensions)
    written = history.seed(projects, users, plans, statuses, month)
    planned = milestones.seed(projects, plans, month, today)
    budgets = money.seed(projects, plans, today)
    logged = raid.seed(projects, plans, today)
    risks = registers.seed(projects, users, today)
    stdout.write(
        f"  {portfolio.ORGANISATION}: {len(projects)} programmes and projects, "
        f"{written} reports written to {month:%B %Y}, {planned} milestones, {budgets} money "
        f"lines, {logged} RAID items, {risks} risks"
    )
    pack.seed(month, stdout)


def last_month_of_reports(today):
    """Last month, or, once the demo is seeded, the month its reports end with: a later
    seed keeps the portfolio as it was rather than rewrite it."""
    latest = HighlightReport.objects.filter(project__code=portfolio.PROGRAMMES[0].code).aggregate(
        latest=Max("period_start")
    )["latest"]
    return latest or previous_month(today)

"""The living demo's money (issue 20): each active project's budget for this financial
year (revenue, and capital for about half of them), its spend to date as far through the
year as we are, and its forecast outturn as its Budget RAG last month says: about on budget
when Green; when Amber or Red, over by the £k its report gives, that being 6 to 9 % (Amber)
or 12 to 20 % (Red) of the budget, within the PMO's tolerances of 5 and 10 %. Seeded after the reports, as the milestones are, so no report approved before
the money was kept prints a figure nobody gave at the time."""

import random

from projects import finance
from projects.models import FinanceLine, Organisation, Project

from .portfolio import PROJECTS
from .writing import story_numbers

# The forecast outturn against the budget, in percent, by last month's Budget RAG: the
# story's overspend (writing.story_numbers) is this share of the budget.
OVER = {"Green": (-2.0, 1.0), "Amber": (6.0, 9.0), "Red": (12.0, 20.0), "Blue": (-3.0, 0.0)}
BUDGET = "Budget"


def seed(projects, plans, today):
    """Money for every active project that has none yet; returns how many lines were made."""
    year = finance.year_of(today)
    start_month = Organisation.current().financial_year_start
    through = ((today.month - start_month) % 12 + today.day / 31) / 12  # of the year gone
    made = 0
    for position, spec in enumerate(PROJECTS):
        project = projects[spec.code]
        if spec.closed or project.finance.exists() or not plans.get(spec.code):
            continue
        if not project.cost_centre:
            # As the finance system knows it, so its extract can be imported by cost centre.
            Project.objects.filter(pk=project.pk).update(cost_centre=f"C{41000 + 10 * position}")
        for kind, budget, forecast in lines(spec, plans[spec.code]):
            rng = random.Random(f"highlight-demo-spend:{spec.code}:{kind}")  # noqa: S311  # nosec B311 (a story)
            spent = round(forecast * through * rng.uniform(0.85, 1.0) / 100) * 100
            FinanceLine.objects.create(project=project, year=year, kind=kind, budget=budget,
                                       spent=spent, forecast=forecast)  # fmt: skip
            made += 1
    return made


def lines(spec, plan):
    """(kind, budget, forecast) in pence: revenue, and capital for about half the projects;
    over budget in all by the £k the report's words give, when Amber or Red."""
    rating = plan[-1].ratings.get(BUDGET, "Green")
    rng = random.Random(f"highlight-demo-money:{spec.code}")  # noqa: S311  # nosec B311 (a story)
    percent = rng.uniform(*OVER.get(rating, OVER["Green"]))
    if rating in ("Amber", "Red"):
        over = story_numbers(spec.code, plan, len(plan) - 1, BUDGET)[1] * 1_000_00
        total = round(over * 100 / percent / 5_000_00) * 5_000_00
    else:
        total = rng.randrange(16, 480) * 5_000_00  # £80,000 to £2.4m, in £5,000s
        over = round(total * percent / 100 / 100_00) * 100_00  # to £100, as forecasts are
    shares = [(FinanceLine.Kind.REVENUE, 1.0)]
    if rng.random() < 0.5:
        capital = rng.choice((0.4, 0.5, 0.6))
        shares = [(FinanceLine.Kind.CAPITAL, capital), (FinanceLine.Kind.REVENUE, 1 - capital)]
    made, left = [], over
    for number, (kind, share) in enumerate(shares, start=1):
        budget = round(total * share / 5_000_00) * 5_000_00
        extra = left if number == len(shares) else round(over * share / 100_00) * 100_00
        left -= extra
        made.append((kind, budget, budget + extra))
    return made

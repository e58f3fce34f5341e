"""Write a large business plan workbook in the layout of the sample, for timing imports.

    python bench/make_business_plan.py 10000 10 /tmp/plan-10000.xlsx

One sheet per section; deterministic for the same arguments.
"""

import datetime
import random
import sys

from openpyxl import Workbook

STATUSES = ["On target", "Slippage", "Not started", "Completed", "Exceeded", "Discontinued",
            "on target", "slippage"]  # fmt: skip
HEADINGS = [
    "No", "Activity", "Type", "Frequency", "Start", "End", "Strategic Aim", None, None, None,
    None, "Priority", "LT owner", "Measure/ KPI/Reporting", "Status", "Comment/ update",
    "Links to key documents (this column not for publication)",
]  # fmt: skip


def write(activities, sections, path):
    rng = random.Random(2)  # noqa: S311  (test data, repeatable by design)
    book = Workbook()
    book.remove(book.active)
    for s in range(sections):
        sheet = book.create_sheet(f"Team {s + 1}")
        sheet.append(HEADINGS)
        sheet.append([None] * 6 + [1, 2, 3, 4, 5])
        sheet.append(
            [None, "description of task/ activity/ project", "select", "select"]
            + [None] * 7
            + ["select", "select"]
        )
        for k in range(activities // sections):
            start = datetime.date(2019, rng.randint(4, 12), 1)
            sheet.append(
                [
                    k + 1,
                    f"Activity {k + 1} of team {s + 1}: deliver the service improvement"
                    " and report on it",
                    rng.choice(["BAU", "Project"]),
                    rng.choice(["Continuous", "Monthly", "As required"]),
                    start.strftime("%d/%m/%Y"),
                    "31/03/2020",
                    *[rng.choice(["X", None]) for _ in range(5)],
                    rng.choice(["S", "S/H", "H", "M", "L", "h", "m"]),
                    f"Dir - T{s % 6}",
                    "Measure text " * 8,
                    rng.choice(STATUSES),
                    "Comment text " * 12,
                    "https://intranet.example/doc",
                ]
            )
    book.save(path)


if __name__ == "__main__":
    write(int(sys.argv[1]), int(sys.argv[2]), sys.argv[3])

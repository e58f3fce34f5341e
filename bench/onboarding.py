"""A PMO's first day, for timing the onboarding imports (issue 19): 300 people, 80
projects in 8 programmes, and two years of their monthly RAG history (80 × 24 months ×
each RAG dimension), written as the .xlsx files a PMO would upload.

    python bench/onboarding.py FOLDER     writes people.xlsx, projects.xlsx, history.xlsx

`measure(runs)` (make bench's "imports" part) imports the three into the bench database
`runs` times, removing what each run made before the next, and gives the medians.
Deterministic: the same code gives the same files.
"""

import datetime
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook

PEOPLE, PROJECTS, PROGRAMMES, MONTHS = 300, 80, 8, 24
DOMAIN = "onboarding.example.org"
UNITS = ["Place", "People", "Resources", "Chief Executive's", "Housing", "Digital"]
STATUSES = ["Green", "Green", "Green", "Amber", "Amber", "Red"]


def months_back(count, today=None):
    """The first days of the `count` months before this one, oldest first."""
    first = (today or datetime.date.today()).replace(day=1)
    months = []
    for _ in range(count):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
        months.append(first)
    return months[::-1]


def save(rows, path):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)


def write(folder, dimensions=("Overall", "Timeline", "Budget", "Issues & Risks")):
    rng = random.Random(19)  # noqa: S311  (test data, repeatable by design)
    folder = Path(folder)
    people = [f"person{n:03}@{DOMAIN}" for n in range(PEOPLE)]
    save(
        [["Email", "First name", "Last name", "Job title", "Organisation unit", "Active"]]
        + [
            [
                email,
                f"Person{n:03}",
                rng.choice(["Smith", "Khan", "Jones", "Okafor", "Evans"]),
                rng.choice(["Project Manager", "Head of Service", "Director", "Officer"]),
                rng.choice(UNITS),
                "yes",
            ]
            for n, email in enumerate(people)
        ],
        folder / "people.xlsx",
    )
    sponsors, managers = people[:40], people[40:200]
    projects = [
        [
            "Code",
            "Name",
            "Kind",
            "Programme",
            "Sponsor",
            "Manager",
            "Editors",
            "Start",
            "End",
            "Cadence",
            "Status",
            "Benefits",
        ]
    ]
    for n in range(PROGRAMMES):
        projects.append(
            [
                f"OB-P{n}",
                f"Programme {n}",
                "Programme",
                "",
                sponsors[n],
                managers[n],
                "",
                "April 2023",
                "2028",
                "Monthly",
                "Active",
                "",
            ]
        )
    for n in range(PROJECTS - PROGRAMMES):
        projects.append(
            [
                f"OB-{n:03}",
                f"Project {n}",
                "Project",
                f"OB-P{n % PROGRAMMES}",
                rng.choice(sponsors),
                managers[PROGRAMMES + n],
                rng.choice(managers),
                "01/04/2023",
                "31/03/2027",
                "Monthly",
                "Active",
                f"Savings of £{rng.randint(10, 900)},000 a year",
            ]
        )
    save(projects, folder / "projects.xlsx")
    history = [
        [
            "Project",
            "Month",
            "Dimension",
            "Status",
            "Comment",
            "Approved by",
            "Approved on",
            "Submitted on",
        ]
    ]
    today = datetime.date.today()
    for row in projects[1:]:
        for month in months_back(MONTHS):
            # Last month's report may be approved only today, early in this month.
            submitted = min(month + datetime.timedelta(days=31 + rng.randint(0, 9)), today)
            approved = min(submitted + datetime.timedelta(days=rng.randint(0, 5)), today)
            for dimension in dimensions:
                status = rng.choice(STATUSES)
                comment = "" if status == "Green" else f"{dimension} {status.lower()}: see log"
                history.append(
                    [
                        row[0],
                        month.strftime("%Y-%m"),
                        dimension,
                        status,
                        comment,
                        row[4],
                        approved,
                        submitted,
                    ]
                )
    save(history, folder / "history.xlsx")
    return len(history) - 1


def forget_onboarding():
    """Empty the portfolio of what an onboarding run imported."""
    from projects.models import HighlightReport, Project, User

    HighlightReport.objects.filter(project__code__startswith="OB-").delete()
    Project.objects.filter(code__startswith="OB-", kind="project").delete()
    Project.objects.filter(code__startswith="OB-").delete()
    User.objects.filter(email__endswith=DOMAIN).delete()


def measure(runs=3):
    """{import: {"rows", "seconds" (median of `runs`)}} into the bench database."""
    from projects.models import Organisation, RagDimension
    from projects.onboarding.people import PeopleImporter
    from projects.onboarding.portfolio import ProjectImporter
    from projects.onboarding.rag_history import RagHistoryImporter

    organisation = Organisation.objects.get(pk=Organisation.current().pk)
    steps = (
        ("people_300", PeopleImporter, "people.xlsx"),
        ("projects_80", ProjectImporter, "projects.xlsx"),
        ("rag_history_2_years", RagHistoryImporter, "history.xlsx"),
    )
    times = {name: [] for name, _, _ in steps}
    rows = {}
    forget_onboarding()  # what a run stopped half-way left behind
    with tempfile.TemporaryDirectory() as folder:
        dimensions = tuple(RagDimension.objects.filter(active=True).values_list("name", flat=True))
        rows["rag_history_2_years"] = write(folder, dimensions)
        rows["people_300"], rows["projects_80"] = PEOPLE, PROJECTS
        for _ in range(runs):
            for name, importer, file in steps:
                content = (Path(folder) / file).read_bytes()
                started = time.perf_counter()
                outcome = importer(organisation).run(content, file)
                times[name].append(time.perf_counter() - started)
                if (
                    outcome.errors
                    or outcome.created
                    != {
                        "people_300": PEOPLE,
                        "projects_80": PROJECTS,
                        "rag_history_2_years": PROJECTS * MONTHS,
                    }[name]
                ):
                    raise SystemExit(f"{file} did not import: {outcome.errors[:3]}")
            forget_onboarding()
    return {
        name: {
            "rows": rows[name],
            "seconds": round(statistics.median(times[name]), 2),
            "runs": [round(t, 2) for t in times[name]],
        }
        for name in times
    }


if __name__ == "__main__":
    print(write(sys.argv[1]), "rows of RAG history")

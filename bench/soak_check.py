"""`make soak`'s dealings with the database (Django set up by soak.py): who the soak's users
are, and afterwards what the server said compared with what it kept."""

import csv
import datetime
import re
import statistics
from collections import Counter, defaultdict
from pathlib import Path

from django.db.models import Max, Min

from projects.models import HighlightReport, Project
from projects.periods import parse_month
from reports.models import Document, ReportingRun
from risks.models import RiskRegister

OPEN = ("draft", "returned", "submitted")


def people(month, past_month, users, pmo="sc.pmo"):
    """Who signs in as what: the managers and sponsors of the month's open reports (a
    quarter of the managers' sessions share a person with another, as someone with the report
    open on two computers does), the scale data's director and PMO."""
    newest = HighlightReport.objects.filter(
        project__code__startswith="SC", project__kind="project", period_start=month,
        status__in=OPEN,
    ).select_related("project__manager", "project__sponsor")  # fmt: skip
    managed, sponsored = defaultdict(list), defaultdict(list)
    for report in newest:
        key = [report.project.code, report.period_slug]
        managed[report.project.manager.username].append(key)
        if report.project.sponsor_id != report.project.manager_id:
            sponsored[report.project.sponsor.username].append(key)
    manager_sessions = max(1, round(users * 0.6))
    busiest = sorted(managed.items(), key=lambda item: (-len(item[1]), item[0]))
    busiest_sponsors = sorted(sponsored.items(), key=lambda item: (-len(item[1]), item[0]))
    programmes = Project.objects.filter(code__startswith="SC", kind="programme").order_by("code")
    projects = Project.objects.filter(code__startswith="SC", kind="project").order_by("code")
    return {
        "month": month.strftime("%Y-%m"),
        "past_month": past_month.strftime("%Y-%m"),
        "past_month_words": f"{past_month:%B %Y}",
        "managers": [
            {"username": name, "reports": keys}
            for name, keys in busiest[: max(1, round(manager_sessions * 0.75))]
        ],
        "sponsors": [
            {"username": name, "reports": keys}
            for name, keys in busiest_sponsors[: max(1, round(users * 0.2))]
        ],
        "directors": ["sc.user0"],
        "pmo": pmo,
        "programmes": [p.code for p in programmes],
        "programme_names": {p.code: p.name for p in programmes},
        "projects": list(projects.values_list("code", flat=True)[::5]),
        "registers": list(
            RiskRegister.objects.filter(name__startswith="SC ")
            .order_by("slug")
            .values_list("slug", flat=True)[::10]
        ),
    }


def requests(stats_csv):
    """Locust's figures per kind of request (its _stats.csv), in ms."""
    kinds = {}
    with Path(stats_csv).open() as handle:
        for row in csv.DictReader(handle):
            name = f"{row['Type']} {row['Name']}" if row["Type"] else "all requests"
            kinds[name] = {
                "count": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "median_ms": _number(row["50%"]),
                "p95_ms": _number(row["95%"]),
                "p99_ms": _number(row["99%"]),
                "max_ms": _number(row["100%"]),
                "per_second": round(float(row["Requests/s"]), 2),
            }
    return kinds


def _number(text):
    return None if text in ("", "N/A") else round(float(text))


def saves(ledger):
    """Every save the server acknowledged must be in the report's history, and the report must
    hold the last one acknowledged (a conflict was answered 409 and saved nothing)."""
    kept = set(
        HighlightReport.history.filter(summary__startswith="Soak save ").values_list(
            "summary", flat=True
        )
    )
    acknowledged = ledger["saves"]
    lost = [s for s in acknowledged if s["marker"] not in kept]
    # A save answered 409 (or refused) that was written all the same.
    written_anyway = [m for m in ledger.get("unsaved", []) if m in kept]
    last = {}
    for save in sorted(acknowledged, key=lambda s: s["at"]):
        last[tuple(save["report"])] = save["marker"]
    now = {
        (r.project.code, r.period_slug): r.summary
        for r in HighlightReport.objects.filter(
            project__code__in={code for code, _ in last}
        ).select_related("project")
    }
    overwritten = [
        {"report": list(key), "holds": now.get(key, "")[:60], "last_acknowledged": marker}
        for key, marker in last.items()
        if now.get(key) != marker
    ]
    return {
        "acknowledged": len(acknowledged),
        "found_in_database": len(acknowledged) - len(lost),
        "lost": len(lost),
        "lost_examples": lost[:10],
        "reports_not_holding_their_last_save": len(overwritten),
        "not_holding_examples": overwritten[:10],
        "conflicts_409": ledger["conflicts"],
        "refused_but_written": len(written_anyway),
        "conflicts_without_their_message": len(ledger["conflicts_unexplained"]),
        "refused_otherwise": len(ledger["saves_refused"]),
        "refused_examples": ledger["saves_refused"][:10],
    }


def documents(ledger, load_started, drain_seconds):
    """Every document asked for from the load's start (directors, approvals, the run),
    counted once the queues have drained."""
    made = Document.objects.filter(requested_at__gte=load_started)
    states = Counter(made.values_list("status", flat=True))
    failed = list(made.filter(status="failed").values("pk", "kind", "params", "error")[:10])
    asked = ledger["documents"]
    return {
        "asked_for_during_the_soak": sum(states.values()),
        "done": states.get("done", 0),
        "failed": states.get("failed", 0),
        "failed_examples": failed,
        "stuck": states.get("queued", 0) + states.get("running", 0),
        # A second claim means a worker died mid-render (or the lease ran out): none expected.
        "claimed_more_than_once": made.filter(attempts__gt=1).count(),
        "by_kind": dict(Counter(made.values_list("kind", flat=True))),
        "directors_asked": len(asked),
        "directors_downloaded_while_waiting": sum(1 for a in asked if a["downloaded"]),
        "directors_problems": ledger["downloads_bad"][:10],
        "drain_seconds": round(drain_seconds),
        "directors_wait_seconds": directors_wait(made),
    }


def directors_wait(made):
    """From asking to done, for the PDFs directors asked for (each once: a document asked
    for again is the same one), before the month's run and while it was rendering."""
    run_started = made.filter(requested_by__isnull=True).aggregate(at=Min("requested_at"))["at"]
    waits = {"before_the_run": [], "during_the_run": []}
    for asked, done in made.filter(
        requested_by__groups__name="Directors", finished_at__isnull=False
    ).values_list("requested_at", "finished_at"):  # a stuck one is counted under "stuck"
        during = run_started is not None and asked >= run_started
        waits["during_the_run" if during else "before_the_run"].append(
            (done - asked).total_seconds()
        )
    return {
        when: {"count": len(seconds), "median": round(statistics.median(seconds), 1),
               "max": round(max(seconds), 1)} if seconds else {"count": 0}
        for when, seconds in waits.items()
    }  # fmt: skip


def monthly_run(ledger, month):
    """The PMO's run: from the click to its last document, and how many it rendered."""
    asked = ledger.get("run")
    run = ReportingRun.objects.filter(period=month).first()
    if not asked or run is None:
        return {"started": False, "asked": asked}
    clicked = datetime.datetime.fromtimestamp(asked["asked_at"], tz=datetime.UTC)
    docs = run.documents.all()
    rendered = docs.filter(requested_at__gte=clicked)
    span = rendered.aggregate(first=Min("requested_at"), last=Max("finished_at"))
    wall = (span["last"] - clicked).total_seconds() if span["last"] else None
    return {
        "started": asked["started"],
        "month": f"{month:%B %Y}",
        "documents": docs.count(),
        "rendered": rendered.count(),
        "reused": docs.count() - rendered.count(),
        "asking_seconds": round((run.last_run_at - clicked).total_seconds(), 1),
        "wall_seconds": round(wall) if wall else None,
        "documents_per_minute": round(rendered.count() / (wall / 60), 1) if wall else None,
        "directors_told": run.notified_at is not None,
        "not_done": docs.exclude(status="done").count(),
    }


def month_of(text):
    return parse_month(text)


def renders_by_worker(logs):
    """What each worker did with its messages, from its log: renders "done", and messages
    for a document already claimed ("not claimed": a duplicate, harmless but wasted). The
    two on the default queue share the month between them."""
    outcomes = {}
    for log in sorted(Path(logs).glob("worker-*.log")):
        found = Counter(
            match.group(1) for match in map(RENDERED.search, log.open()) if match is not None
        )
        outcomes[log.stem] = dict(found)
    return outcomes


RENDERED = re.compile(r"render_document\[[-\w]+\] succeeded in [\d.]+s: '([\w ]+)'")

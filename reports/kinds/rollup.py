"""A programme's roll-up (issue 20): its projects' latest approved positions, gathered into
the programme's own highlight report and frozen with it at approval. Read from each
project's approved snapshot, so the roll-up says what the projects' sponsors approved."""

from django.db.models import OuterRef, Subquery

from projects import raid
from projects.models import HighlightReport, Project

from .pack_money import finance_summary, pack_money


def latest_approved(programme, period_end):
    """Each project of the programme with its latest report approved for a period starting
    by `period_end` (None where it has none), in code order; two queries. A project closed
    since is there while that report reaches the month of `period_end`: a programme's
    February report, written after a project closed in March, still gives its February."""
    approved = HighlightReport.objects.filter(
        project=OuterRef("pk"), status=HighlightReport.Status.APPROVED,
        period_start__lte=period_end,
    ).exclude(approved_snapshot=None).order_by("-period_start")  # fmt: skip
    projects = list(
        Project.objects.filter(parent=programme)
        .annotate(latest=Subquery(approved.values("pk")[:1]))
        .select_related("parent")
        .order_by("code")
    )
    reports = HighlightReport.objects.in_bulk([p.latest for p in projects if p.latest])
    month = period_end.replace(day=1)
    return [
        (project, reports.get(project.latest)) for project in projects
        if project.status == Project.Status.ACTIVE
        or (project.latest and reports[project.latest].period_end >= month)
    ]  # fmt: skip


def rollup(programme, period_end):
    """The programme's projects as their approved reports left them: the RAG of each, the
    key milestones behind their baseline (furthest first), the money with its totals, open
    high-priority issues and the decisions due from the board.
    {} for a programme with no active projects."""
    positions = latest_approved(programme, period_end)
    if not positions:
        return {}
    dimensions, rows, slipped, money, issues, decisions = [], [], [], [], [], []
    for project, report in positions:
        data = report.approved_snapshot if report else {}
        ratings = data.get("ratings") or []
        for line in ratings:
            if line["dimension"] not in dimensions:
                dimensions.append(line["dimension"])
        rows.append({
            "code": project.code, "name": project.name,
            "period": report.period_label if report else "",
            "status_word": (data.get("report") or {}).get("status_word", ""),
            "ratings": {line["dimension"]: line["status"] for line in ratings},
        })  # fmt: skip
        slipped += [
            {**line, "code": project.code, "project": project.name}
            # Behind and still to be met: one met late is history, not the programme's risk.
            for line in data.get("milestones") or [] if line.get("late") and not line.get("actual")
        ]  # fmt: skip
        money.append(pack_money(project, data, "", False) if data else None)
        ours = {"code": project.code, "project": project.name}
        issues += [{**line, **ours} for line in raid.high_priority_issues(data.get("raid"))]
        decisions += [{**line, **ours} for line in raid.board_decisions(data.get("raid"))]
    for row in rows:  # in the programme's order of dimensions, "—" where not rated
        row["ratings"] = [row["ratings"].get(name) for name in dimensions]
    return {
        "dimensions": dimensions, "projects": rows,
        "milestones": sorted(slipped, key=lambda m: (-m.get("slip_days", 0), m["code"])),
        "money": finance_summary(money),
        # Open high-priority issues, the most pressing first, and decisions due, soonest first.
        "issues": sorted(issues, key=lambda i: (-i["priority_key"], i["code"], i["ref"])),
        "decisions": sorted(decisions, key=lambda d: (d["due_on"] or "9999", d["code"])),
    }  # fmt: skip

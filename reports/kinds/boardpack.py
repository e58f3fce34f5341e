"""Board packs: for a programme or the whole portfolio and a month, everything a board
reads, gathered from the approved reports, the risk registers and the business plan.

Each approved report appears exactly as its sponsor approved it (its frozen snapshot).
Projects whose report for the month is missing or not yet approved are listed as such,
never left out. The summary puts exceptions first: Red, Amber and changed RAGs, then
missing reports, then the rest.
"""

from dataclasses import dataclass

from django.db.models import F, Q

from businessplan.models import BusinessPlan
from businessplan.summary import status_summary
from projects import access as project_access
from projects import markings, raid
from projects.models import HighlightReport, Organisation, Project, RagStatus
from projects.periods import financial_year, month_end, period_label
from projects.reporting import asks_for_decision
from projects.schedule import why_none_due
from risks import registers
from risks.models import Risk, RiskMatrix, RiskRegister

from .base import DocumentKind, SourceMissing, parse_month, register_kind
from .meeting import MEETING_FIELDS, meeting
from .pack_money import finance_summary, pack_money
from .plan import section_status
from .risk_data import heat_map, top_risk

WORSE, BETTER, SAME = "worse", "better", "same"
# Up to this many projects a pack prints every approved report; above, only the exceptions.
IN_FULL_UP_TO = 20
TOP_RISKS = 10


@dataclass(frozen=True)
class Portfolio:
    """The source of a portfolio pack: every active project, no single model behind it."""

    pk = None

    def __str__(self):
        return "the portfolio"


@register_kind
class BoardPackKind(DocumentKind):
    name = "board_pack"
    label = "Board pack"
    request_fields = ("programme", "period", *MEETING_FIELDS, "full")
    required_fields = ("period",)
    order = 10
    template_name = "pdf/board_pack.html"
    # Packs take a while: they have workers of their own, so a monthly run never holds up
    # someone waiting for a one-page report.
    queue = "pdf-large"
    # max_pages is every kind's 1,000: the bench's 100-project pack prints 173. A pack of
    # every report in full ("full") for more than some 550 projects is past it; by default a
    # pack that large prints only the exceptions in full.

    def params_for(self, source, params=None):
        params = params or {}
        return {
            "programme": "" if isinstance(source, Portfolio) else source.code,
            "period": params.get("period"),
            # Only what was filled in, so requests for the same cover share one document
            # (a pack asked for with no cover is a pack of its own).
            **{
                name: params[name]
                for name in (*MEETING_FIELDS, "full")
                if params.get(name) and str(params[name]).strip()
            },
        }

    def resolve(self, params):
        parse_month(params.get("period"))
        code = params.get("programme") or ""
        if not code:
            return Portfolio()
        programme = Project.objects.filter(code=code, kind=Project.Kind.PROGRAMME).first()
        if programme is None:
            raise SourceMissing(f"No programme with the code {code!r}.")
        return programme

    def can_read(self, user, source, params=None):
        """Board packs are for directors and the PMO (DESIGN.md): a pack draws on every
        register of its projects, which a programme's own team may not all read."""
        return project_access.is_director(user) or project_access.is_pmo(user)

    def title(self, source, params=None):
        month = parse_month((params or {}).get("period"))
        name = "Portfolio" if isinstance(source, Portfolio) else source.name
        return f"Board pack {name} {month:%B %Y}"

    def filename(self, source, params=None):
        month = parse_month((params or {}).get("period"))
        name = "portfolio" if isinstance(source, Portfolio) else source.code
        return f"board-pack-{name}-{month:%Y-%m}.pdf"

    def marking(self, source, data):
        return data["pack"]["marking"]

    def gather(self, source, params=None, progress=None):
        month = parse_month((params or {}).get("period"))
        programme = None if isinstance(source, Portfolio) else source
        projects = scope_projects(programme)
        steps = len(projects) + 2
        statuses = list(RagStatus.objects.all())
        reports = month_reports(projects, month)
        rows, included, decisions, milestones, money = [], [], [], [], []
        # A board reads every report of a small pack; of a large one, the exceptions in full
        # and the rest as their summary rows, unless the request asks for all in full.
        in_full = bool((params or {}).get("full")) or len(projects) <= IN_FULL_UP_TO
        for done, project in enumerate(projects, start=1):
            row = summary_row(project, reports.get(project.pk), statuses, month)
            rows.append(row)
            if row["state"] == "approved":
                data = reports[project.pk].approved_snapshot
                if in_full or row["exception"]:
                    row["in_full"] = True
                    included.append({"anchor": row["anchor"], "data": data})
                asks = asks_for_decision(data["report"]["decisions_required"])
                if asks or raid.board_decisions(data.get("raid")):
                    decisions.append(decision(project, data, row["anchor"], row.get("in_full")))
                milestones += pack_milestones(project, data, row["anchor"], row.get("in_full"))
                money.append(pack_money(project, data, row["anchor"], row.get("in_full")))
            if progress:
                progress(done, steps)
        order = {"missing": 1, "unapproved": 1, "approved": 2, "not_due": 3}
        rows.sort(key=lambda r: (0 if r.get("exception") else order[r["state"]], r["code"]))
        held = pack_registers(programme, projects)
        risks = risk_summary(held)
        plan = covering_plan(month)
        if progress:
            progress(steps - 1, steps)
        return {
            "pack": {
                "title": "Portfolio" if programme is None else programme.name,
                "code": "" if programme is None else programme.code,
                "period": period_label(month, month_end(month)),
                "marking": str(pack_marking(projects, held, plan, included)),
                "in_full": in_full,
                **meeting(params or {}),
            },
            "dimensions": [
                line["dimension"] for line in next((r["lines"] for r in rows if r["lines"]), [])
            ],  # fmt: skip
            "rows": rows,
            "counts": counts(rows),
            "decisions": decisions,
            # Every key milestone the approved reports print, the slipped ones first (the
            # furthest behind at the top).
            "milestones": sorted(
                milestones, key=lambda m: (not m["late"], -m["slip_days"], m["code"])
            ),  # fmt: skip
            "finance": finance_summary(money),
            "reports": included,
            "risks": risks,
            "plan": plan_summary(plan),
        }


def scope_projects(programme):
    projects = Project.objects.filter(status=Project.Status.ACTIVE).select_related(
        "sponsor", "manager", "parent"
    )
    if programme is not None:
        projects = projects.filter(Q(pk=programme.pk) | Q(parent=programme))
    return list(projects.order_by("kind", "code"))


def month_reports(projects, month):
    """Each project's report covering the month (the earliest, if periods overlap)."""
    reports = {}
    for report in HighlightReport.objects.filter(
        project__in=projects, period_start__lte=month_end(month), period_end__gte=month
    ).order_by("period_start"):
        reports.setdefault(report.project_id, report)
    return reports


def trend(now, before, severity):
    if not now or not before:
        return ""
    a, b = severity.get(now["name"]), severity.get(before["name"])
    if a is None or b is None or a == b:
        return SAME if a == b else ""
    return WORSE if a > b else BETTER


def summary_row(project, report, statuses, month):
    """The project's line in the pack's summary: its RAG now and before, and whether it is
    an exception (a status that needs a comment, or a change). A project with no report is
    missing only if one was due (projects.schedule.why_none_due says why not)."""
    approved = (
        report is not None
        and report.status == HighlightReport.Status.APPROVED
        and report.approved_snapshot
    )
    row = {
        "code": project.code,
        "name": project.name,
        "kind": project.get_kind_display(),
        "manager": str(project.manager or ""),
        "state": "approved" if approved else ("unapproved" if report else "missing"),
        "none_due": "" if report else why_none_due(project, month),
        "report_status": report.get_status_display() if report else "",
        "anchor": f"report-{project.pk}",
        "lines": [],
    }
    if row["none_due"]:
        row["state"] = "not_due"
    if not approved:
        return row
    severity = {s.name: s.severity for s in statuses}
    needs_comment = {s.name for s in statuses if s.requires_comment}
    data = report.approved_snapshot
    row["period"] = data["report"]["period"]
    row["status_word"] = data["report"]["status_word"]
    row["lines"] = [
        {
            "dimension": line["dimension"],
            "now": line["status"],
            "before": line["previous"],
            "trend": trend(line["status"], line["previous"], severity),
        }
        for line in data["ratings"]
    ]
    row["exception"] = any(
        (line["now"] and line["now"]["name"] in needs_comment) or line["trend"] in (WORSE, BETTER)
        for line in row["lines"]
    )
    return row


def counts(rows):
    """How many of the pack's projects are in each state, and how many are exceptions."""
    return {
        "projects": len(rows),
        **{state: sum(r["state"] == state for r in rows)
           for state in ("approved", "missing", "unapproved", "not_due")},
        "exceptions": sum(bool(r.get("exception")) for r in rows),
    }  # fmt: skip


def pack_milestones(project, data, anchor, in_full):
    """The key milestones a project's approved report printed, as the pack lists them."""
    return [
        {**line, "code": project.code, "project": project.name,
         "anchor": anchor if in_full else "", "slip_days": line.get("slip_days", 0)}
        for line in data.get("milestones") or []
    ]  # fmt: skip


def decision(project, data, anchor, in_full):
    return {
        "code": project.code,
        "name": project.name,
        "body": data["project"]["governance_body"],
        "text": data["report"]["decisions_required"]
        if asks_for_decision(data["report"]["decisions_required"]) else "",
        # The RAID log's decisions for the board, with their due dates (issue 20).
        "due": raid.board_decisions(data.get("raid")),
        "anchor": anchor if in_full else "",  # a report not printed has nothing to link to
    }  # fmt: skip


NAMED_REGISTERS = 12


def pack_registers(programme, projects):
    """The registers a pack draws on: a programme's projects' own and those the PMO links to
    the programme; for the portfolio, every register, corporate ones included."""
    if programme is None:
        return RiskRegister.objects.all()
    # By id: the join gives a register linked to several programmes one row each.
    linked = Q(project__in=projects) | Q(programmes=programme)
    return RiskRegister.objects.filter(pk__in=RiskRegister.objects.filter(linked).values("pk"))


def risk_summary(held):
    """The residual heat map (one per matrix in use) and the top risks across the registers
    the pack holds."""
    matrices = {m.pk: m for m in RiskMatrix.objects.prefetch_related("bands")}
    open_risks = Risk.objects.filter(status=Risk.Status.OPEN, register__in=held)
    # Counted in SQL, and only the top ten loaded: a portfolio has thousands of risks.
    maps = [
        heat_map(
            f"Residual risk ({matrices[matrix_id].name} matrix)",
            registers.heat_cells(counts, breaches, matrices[matrix_id]),
            matrices[matrix_id].impact_labels,
        )
        for matrix_id, (counts, breaches) in sorted(registers.residual_counts(open_risks).items())
    ]
    top = (
        registers.with_scores(open_risks)
        .select_related("register")
        .order_by(F("residual_score").desc(nulls_last=True), "ref")[:TOP_RISKS]
    )
    names = list(held.order_by("name").values_list("name", flat=True)[: NAMED_REGISTERS + 1])
    return {
        # Which registers the risks come from: named when a reader can take them in.
        "registers": names if len(names) <= NAMED_REGISTERS else [],
        "register_count": len(names) if len(names) <= NAMED_REGISTERS else held.count(),
        "heat_maps": maps,
        "top": [top_risk(r, matrices[r.register.matrix_id], register=r.register.name) for r in top],
    }


def covering_plan(month):
    """The published business plan whose year covers the month: by its dates, or, for a
    plan without them, by its year label read against the organisation's financial year.
    None when no plan covers it: a pack never prints another year's plan."""
    plans = BusinessPlan.objects.filter(status=BusinessPlan.Status.PUBLISHED)
    year = financial_year(month, Organisation.current().financial_year_start)
    return (
        plans.filter(start__lte=month, end__gte=month).first()
        or plans.filter(Q(start__isnull=True) | Q(end__isnull=True), year=year).first()
    )


def pack_marking(projects, held, plan, included=()):
    """The highest marking of what the pack holds: its projects' reports (and the projects
    the programme reports it prints roll up, which may have closed or moved since), the
    registers its risks come from, and the plan."""
    rollups = [item["data"].get("rollup") or {} for item in included]
    rolled = markings.rolled_up_ids(
        {"projects": [p for r in rollups for p in r.get("projects", [])]}
    )
    ids = (
        [p.marking_id for p in projects]
        + rolled
        + [
            own or projects_marking  # a project's register without one carries its project's
            for own, projects_marking in held.values_list(
                "marking_id", "project__marking_id"
            ).distinct()
        ]
    )
    if plan is not None:
        ids.append(plan.marking_id)
    return markings.highest_of_ids(ids)


def plan_summary(plan):
    """The status summary of the plan the pack holds."""
    if plan is None:
        return None
    return {
        "title": plan.full_title,
        "sections": [section_status(s) for s in status_summary(plan)],
    }

"""Board packs: for a programme or the whole portfolio and a month, everything a board
reads, gathered from the approved reports, the risk registers and the business plan.

Each approved report appears exactly as its sponsor approved it (its frozen snapshot).
Projects whose report for the month is missing or not yet approved are listed as such,
never left out. The summary puts exceptions first: Red, Amber and changed RAGs, then
missing reports, then the rest.
"""

import datetime
from dataclasses import dataclass

from django.db.models import F, Q

from projects import access as project_access
from projects.models import HighlightReport, Project, RagStatus, month_end, period_label

from . import kinds

WORSE, BETTER, SAME = "worse", "better", "same"


@dataclass(frozen=True)
class Portfolio:
    """The source of a portfolio pack: every active project, no single model behind it."""

    pk = None

    def __str__(self):
        return "the portfolio"


def scope_projects(programme):
    projects = Project.objects.filter(status=Project.Status.ACTIVE).select_related(
        "sponsor", "manager", "parent"
    )
    if programme is not None:
        projects = projects.filter(Q(pk=programme.pk) | Q(parent=programme))
    return list(projects.order_by("kind", "code"))


def trend(now, before, severity):
    if not now or not before:
        return ""
    a, b = severity.get(now["name"]), severity.get(before["name"])
    if a is None or b is None or a == b:
        return SAME if a == b else ""
    return WORSE if a > b else BETTER


class BoardPackKind:
    kind = "board_pack"
    # Tagged PDF with PDF/UA-1 metadata: headings, lists, tables and reading order are
    # marked up for screen readers.
    pdf_options = {"pdf_variant": "pdf/ua-1"}

    def params_for(self, source, params=None):
        params = params or {}
        return {
            "programme": "" if isinstance(source, Portfolio) else source.code,
            "period": params.get("period"),
        }

    def resolve(self, params):
        kinds.parse_month(params.get("period"))
        code = params.get("programme") or ""
        if not code:
            return Portfolio()
        programme = Project.objects.filter(code=code, kind=Project.Kind.PROGRAMME).first()
        if programme is None:
            raise kinds.SourceMissing(f"No programme with the code {code!r}.")
        return programme

    def can_read(self, user, source, params=None):
        """Board packs are for directors and the PMO (DESIGN.md): a pack draws on every
        register of its projects, which a programme's own team may not all read."""
        return project_access.is_director(user) or project_access.is_pmo(user)

    def can_read_document(self, user, source, document):
        return self.can_read(user, source, document.params)

    def title(self, source, params=None):
        month = kinds.parse_month((params or {}).get("period"))
        name = "Portfolio" if isinstance(source, Portfolio) else source.name
        return f"Board pack {name} {month:%B %Y}"

    def filename(self, source, params=None):
        month = kinds.parse_month((params or {}).get("period"))
        name = "portfolio" if isinstance(source, Portfolio) else source.code
        return f"board-pack-{name}-{month:%Y-%m}.pdf"

    def template(self, data):
        return "pdf/board_pack.html"

    def gather(self, source, params=None, progress=None):
        month = kinds.parse_month((params or {}).get("period"))
        programme = None if isinstance(source, Portfolio) else source
        projects = scope_projects(programme)
        statuses = {s.name: s for s in RagStatus.objects.all()}
        severity = {name: s.severity for name, s in statuses.items()}
        needs_comment = {name for name, s in statuses.items() if s.requires_comment}
        reports = {}
        for report in HighlightReport.objects.filter(
            project__in=projects, period_start__lte=month_end(month), period_end__gte=month
        ).order_by("period_start"):
            reports.setdefault(report.project_id, report)
        rows, included, decisions = [], [], []
        for done, project in enumerate(projects, start=1):
            report = reports.get(project.pk)
            approved = (
                report is not None
                and report.status == HighlightReport.Status.APPROVED
                and report.approved_snapshot
            )
            row = {
                "code": project.code,
                "name": project.name,
                "kind": project.get_kind_display(),
                "manager": str(project.manager),
                "state": "approved" if approved else ("unapproved" if report else "missing"),
                "report_status": report.get_status_display() if report else "",
                "anchor": f"report-{project.pk}",
                "lines": [],
            }
            if approved:
                data = report.approved_snapshot
                row["period"] = data["report"]["period"]
                row["status_word"] = data["report"]["status_word"]
                for line in data["ratings"]:
                    row["lines"].append(
                        {
                            "dimension": line["dimension"],
                            "now": line["status"],
                            "before": line["previous"],
                            "trend": trend(line["status"], line["previous"], severity),
                        }
                    )
                row["exception"] = any(
                    (line["now"] and line["now"]["name"] in needs_comment)
                    or line["trend"] in (WORSE, BETTER)
                    for line in row["lines"]
                )
                included.append({"anchor": row["anchor"], "data": data})
                if data["report"]["decisions_required"].strip():
                    decisions.append(
                        {
                            "code": project.code,
                            "name": project.name,
                            "body": data["project"]["governance_body"],
                            "text": data["report"]["decisions_required"],
                            "anchor": row["anchor"],
                        }
                    )
            rows.append(row)
            if progress:
                progress(done, len(projects) + 2)
        rows.sort(key=lambda r: (
            0 if r.get("exception") else 1 if r["state"] != "approved" else 2, r["code"]
        ))  # fmt: skip
        dimensions = [line["dimension"] for line in next(
            (r["lines"] for r in rows if r["lines"]), []
        )]  # fmt: skip
        risks = self.risks(None if programme is None else projects)
        if progress:
            progress(len(projects) + 1, len(projects) + 2)
        plan = self.plan_summary(month)
        return {
            "pack": {
                "title": "Portfolio" if programme is None else programme.name,
                "code": "" if programme is None else programme.code,
                "period": period_label(month, month_end(month)),
                "organisation": "",
            },
            "dimensions": dimensions,
            "rows": rows,
            "counts": {
                "projects": len(rows),
                "approved": sum(r["state"] == "approved" for r in rows),
                "missing": sum(r["state"] == "missing" for r in rows),
                "unapproved": sum(r["state"] == "unapproved" for r in rows),
                "exceptions": sum(bool(r.get("exception")) for r in rows),
            },
            "decisions": decisions,
            "reports": included,
            "risks": risks,
            "plan": plan,
        }

    def risks(self, projects):
        """The residual heat map (one per matrix in use) and the top risks across the
        registers of the projects in the pack (every register, for the portfolio)."""
        from risks import registers, scoring
        from risks.models import Risk, RiskMatrix

        matrices = {m.pk: m for m in RiskMatrix.objects.prefetch_related("bands")}
        open_risks = Risk.objects.filter(status=Risk.Status.OPEN)
        if projects is not None:
            open_risks = open_risks.filter(register__project__in=projects)
        # Counted in SQL, and only the top ten loaded: a portfolio has thousands of risks.
        maps = []
        for matrix_id, (counts, breaches) in sorted(registers.residual_counts(open_risks).items()):
            matrix = matrices[matrix_id]
            rows = registers.heat_cells(counts, breaches, matrix)
            maps.append({
                "matrix": matrix.name,
                "impact_labels": matrix.impact_labels,
                "rows": [
                    {"probability": f"{r[0].probability} {r[0].probability_label}",
                     "cells": [{"count": c.count, "breaches": c.outside_appetite,
                                "colour": c.band.colour if c.band else "#ffffff",
                                "text_colour": c.band.text_colour if c.band else "#000000"}
                               for c in r]}
                    for r in rows
                ],
            })  # fmt: skip
        top = (
            registers.with_scores(open_risks)
            .select_related("register")
            .order_by(F("residual_score").desc(nulls_last=True), "ref")[:10]
        )
        return {
            "heat_maps": maps,
            "top": [
                {
                    "ref": r.ref,
                    "title": r.title,
                    "register": r.register.name,
                    "owner": r.owner_display,
                    "residual": kinds._band(
                        scoring.assess(
                            matrices[r.register.matrix_id],
                            r.residual_probability,
                            r.residual_impact,
                        )
                    ),
                    "outside_appetite": scoring.outside_appetite(r, matrices[r.register.matrix_id]),
                }  # fmt: skip
                for r in top
            ],
        }

    def plan_summary(self, month):
        """The status summary of the published business plan covering the month (or the
        latest published one)."""
        from businessplan.models import BusinessPlan
        from businessplan.summary import status_summary

        plans = BusinessPlan.objects.filter(status=BusinessPlan.Status.PUBLISHED)
        plan = plans.filter(start__lte=month, end__gte=month).first() or plans.first()
        if plan is None:
            return None
        return {
            "title": f"{plan.title} {plan.year}",
            "sections": [
                {
                    "name": s.section.name,
                    "total": s.total,
                    "counts": [
                        {
                            "label": label,
                            "colour": colour,
                            "count": count,
                            "share": round(100 * count / s.total, 1),
                        }
                        for _status, label, colour, count in s.counts
                    ],
                }  # fmt: skip
                for s in status_summary(plan)
            ],
        }


def previous_month(day):
    first = day.replace(day=1)
    return (first - datetime.timedelta(days=1)).replace(day=1)

"""The kinds of document Highlight prints. Each kind knows how to find its source from the
document's natural-key params, gather the data it prints, and who may read it.

`gather` returns JSON-native data only (strings, numbers, lists, dicts; dates already
written dd/mm/yyyy): the print template renders it, its sha256 is the document's
fingerprint, and an approved report keeps it as its frozen snapshot.
"""

import datetime
import hashlib
import json

from django.db.models import Prefetch, Q
from django.utils import timezone

from projects import access as project_access
from projects.models import Project, RagRating
from projects.reporting import comment_needed, previous_approved_report
from risks.models import RiskReview

# Bump when a print template changes enough that existing PDFs should be rendered again.
LAYOUT_VERSION = 5


class SourceMissing(Exception):
    """The params name nothing that exists (a wrong project code or period)."""


def fingerprint(data):
    payload = json.dumps({"layout": LAYOUT_VERSION, "data": data}, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def parse_month(value):
    try:
        return datetime.datetime.strptime(value, "%Y-%m").date()
    except (TypeError, ValueError):
        raise SourceMissing(f"{value!r} is not a month written YYYY-MM.") from None


def day(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value)
    return value.strftime("%d/%m/%Y")


def _person(user):
    if user is None:
        return None
    return {"name": str(user), "name_and_role": user.name_and_role}


def _status(status):
    if status is None:
        return None
    return {"name": status.name, "colour": status.colour, "text_colour": status.text_colour}


def _deliverables_by_theme(report):
    themes = []
    for item in report.deliverables.select_related("workstream"):
        theme = item.workstream.name if item.workstream else ""
        if not themes or themes[-1]["theme"] != theme:
            themes.append({"theme": theme, "items": []})
        themes[-1]["items"].append(
            {
                "description": item.description,
                "status": item.get_status_display(),
                "status_key": item.status,
                "due": day(item.due_date),
                "forecast": day(item.forecast_date),
            }
        )
    return themes


TOP_RISKS = 5


def _top_risks(project):
    """The project's open risks with the highest residual scores, from its registers."""
    from risks import registers, scoring
    from risks.models import Risk, RiskMatrix

    matrices = {m.pk: m for m in RiskMatrix.objects.prefetch_related("bands")}
    risks = (
        registers.with_scores(
            Risk.objects.filter(register__project=project, status=Risk.Status.OPEN)
        )
        .select_related("register")
        .order_by("-residual_score", "ref")[:TOP_RISKS]
    )
    return [
        {
            "ref": risk.ref,
            "title": risk.title,
            "owner": risk.owner_display,
            "residual": _band(
                scoring.assess(
                    matrices[risk.register.matrix_id],
                    risk.residual_probability,
                    risk.residual_impact,
                )
            ),
            "outside_appetite": scoring.outside_appetite(risk, matrices[risk.register.matrix_id]),
        }
        for risk in risks
    ]


class HighlightReportKind:
    kind = "highlight_report"

    def params_for(self, report, params=None):
        return {"project": report.project.code, "period": report.period_slug}

    def resolve(self, params):
        month = parse_month(params.get("period"))
        try:
            project = Project.objects.select_related(
                "sponsor", "manager", "parent", "director"
            ).get(code=params.get("project"))
        except Project.DoesNotExist:
            raise SourceMissing(f"No project with the code {params.get('project')!r}.") from None
        report = project_access.find_report(project, month)
        if report is None:
            raise SourceMissing(f"{project.code} has no report for {month:%B %Y}.")
        report.project = project
        return report

    def can_read(self, user, report, params=None):
        role = project_access.project_role(user, report.project)
        return project_access.can_read_report(role, report)

    def can_read_document(self, user, report, document):
        if project_access.project_role(user, report.project).can_read_drafts:
            return True
        return (
            report.status == report.Status.APPROVED
            and bool(report.approved_snapshot)
            and document.fingerprint == fingerprint(report.approved_snapshot)
        )

    def title(self, report, params=None):
        return f"Highlight report {report.project.code} {report.period_label}"

    def filename(self, report, params=None):
        return f"{report.project.code}-{report.period_slug}-highlight-report.pdf"

    def template(self, data):
        if data["project"]["kind_key"] == Project.Kind.PROGRAMME:
            return "pdf/programme_report.html"
        return "pdf/highlight_report.html"

    def gather(self, report, params=None):
        """What the report prints: its frozen snapshot once approved, else the live data."""
        if report.status == report.Status.APPROVED and report.approved_snapshot:
            return report.approved_snapshot
        return self.gather_live(report)

    def gather_live(self, report):
        project = report.project
        previous = previous_approved_report(report)
        before = {}
        if previous is not None:
            before = {r.dimension_id: r.status for r in previous.ratings.select_related("status")}
        ratings = [
            {
                "dimension": rating.dimension.name,
                "status": _status(rating.status),
                "previous": _status(before.get(rating.dimension_id)),
                "comment": rating.comment,
                # Why this line must carry a comment, if it must (the report's own rule).
                "comment_needed": comment_needed(rating.status, before.get(rating.dimension_id))
                or "",
            }
            for rating in RagRating.objects.filter(report=report).select_related(
                "dimension", "status"
            )
        ]
        deliverables = _deliverables_by_theme(report)
        return {
            "project": {
                "code": project.code,
                "name": project.name,
                "kind": project.get_kind_display(),
                "kind_key": project.kind,
                "programme": project.parent.name if project.parent else "",
                "programme_code": project.parent.code if project.parent else "",
                "sponsor": _person(project.sponsor),
                "manager": _person(project.manager),
                "distribution": project.distribution,
                "area": project.area,
                "start": project.start_display,
                "end": project.end_display,
                "benefits": project.benefits,
                "objectives": project.objectives,
                "approach": project.approach,
                "governance_body": project.governance_body,
            },
            "report": {
                "period": report.period_label,
                "period_start": day(report.period_start),
                "period_end": day(report.period_end),
                "report_date": day(report.report_date),
                "status": report.status,
                "status_display": report.get_status_display(),
                "status_word": report.status_word,
                "percent_complete": report.percent_complete,
                "summary": report.summary,
                "planned_this_period": report.planned_this_period,
                "achievements": report.achievements,
                "next_period": report.next_period,
                "issues": report.issues,
                "risks_narrative": report.risks_narrative,
                "decisions_required": report.decisions_required,
                "governance": report.governance,
                "communication": report.communication,
                "deliverables_title": report.deliverables_title,
                "approved_by": _person(report.approved_by),
                "approved_at": day(report.approved_at),
                "previous_period": previous.period_label if previous else "",
            },
            "ratings": ratings,
            "any_rated": any(r["status"] for r in ratings),
            "workstreams": [
                {
                    "name": progress.workstream.name,
                    "planned": progress.planned,
                    "achievements": progress.achievements,
                    "next_steps": progress.next_steps,
                }
                for progress in report.workstream_progress.select_related("workstream")
                if progress.planned or progress.achievements or progress.next_steps
            ],
            "deliverables": deliverables,
            "deliverables_dated": any(
                item["due"] or item["forecast"] for group in deliverables for item in group["items"]
            ),
            "concerns": [
                {"concern": c.concern, "countermeasure": c.countermeasure, "resolved": c.resolved}
                for c in report.concerns.all()
            ],
        }


def _band(assessment):
    if assessment is None:
        return None
    band = assessment.band
    return {
        "probability": assessment.probability,
        "probability_label": assessment.probability_label,
        "impact": assessment.impact,
        "impact_label": assessment.impact_label,
        "score": assessment.score,
        "band": band.name if band else "",
        "colour": band.colour if band else "#ffffff",
        "text_colour": band.text_colour if band else "#000000",
    }


class RiskRegisterKind:
    """A register: cover with heat maps and the summary by residual score, then a block per
    risk laid out like the council's register page."""

    kind = "risk_register"

    def params_for(self, register, params=None):
        return {"register": register.slug}

    def resolve(self, params):
        from risks.models import RiskRegister

        key = params.get("register") or ""
        register = (
            RiskRegister.objects.select_related("matrix", "owner", "project")
            .filter(Q(slug=key) | Q(name=key))
            .first()
        )
        if register is None:
            raise SourceMissing(f"No risk register called {key!r}.")
        return register

    def can_read(self, user, register, params=None):
        from risks import access as risk_access

        return risk_access.register_role(user, register).can_read

    def can_read_document(self, user, register, document):
        return self.can_read(user, register)

    def title(self, register, params=None):
        return f"Risk register {register.name}"

    def filename(self, register, params=None):
        return f"{register.slug}-risk-register.pdf"

    def template(self, data):
        return "pdf/risk_register.html"

    def gather(self, register, params=None):
        from risks import registers
        from risks.models import AppetiteStatement

        matrix = register.matrix
        rows = registers.rows(
            registers.with_scores(register.risks.all()).order_by("-residual_score", "ref"),
            matrix,
        )
        reviews = {}
        for review in RiskReview.objects.filter(risk__register=register).select_related(
            "reviewed_by"
        ):
            reviews.setdefault(review.risk_id, []).append(review)

        def cell(c):
            return {
                "count": c.count,
                "breaches": c.outside_appetite,
                "colour": c.band.colour if c.band else "#ffffff",
                "text_colour": c.band.text_colour if c.band else "#000000",
                "label": f"{c.probability_label} × {c.impact_label}",
            }

        statement = AppetiteStatement.objects.first()
        return {
            "register": {
                "name": register.name,
                "owner": _person(register.owner),
                "project": str(register.project) if register.project else "",
                "matrix": matrix.name,
                "description": register.description,
                "probability_labels": matrix.probability_labels,
                "impact_labels": matrix.impact_labels,
            },
            "appetite_statement": statement.text if statement else "",
            "heat_maps": [
                {
                    "title": title,
                    "rows": [
                        {
                            "probability": f"{row[0].probability} {row[0].probability_label}",
                            "cells": [cell(c) for c in row],
                        }  # fmt: skip
                        for row in registers.heat_map(rows, matrix, kind)
                    ],
                }
                for title, kind in (("Inherent", "inherent"), ("Residual", "residual"))
            ],
            "risks": [
                {
                    "ref": r.risk.ref,
                    "title": r.risk.title,
                    "category": str(r.risk.category or ""),
                    "appetite": (
                        f"{r.risk.category.get_appetite_display()}, up to "
                        f"{r.risk.category.get_tolerated_level_display()}"
                        if r.risk.category
                        else ""
                    ),
                    "corporate_priority": str(r.risk.corporate_priority or ""),
                    "owner": r.risk.owner_display,
                    "portfolio_holder": r.risk.portfolio_holder,
                    "treatment": r.risk.get_treatment_display(),
                    "status": r.risk.get_status_display(),
                    "inherent": _band(r.inherent),
                    "residual": _band(r.residual),
                    "target": _band(r.target),
                    "outside_appetite": r.outside_appetite,
                    "movement": r.movement,
                    "overdue": r.overdue,
                    "next_review": day(r.risk.next_review_date),
                    "consequences": r.risk.consequences,
                    "controls": r.risk.controls,
                    "assurance": r.risk.assurance,
                    "actions": r.risk.actions,
                    "reviews": [
                        {
                            "on": day(review.reviewed_on),
                            "by": str(review.reviewed_by or ""),
                            "signed_off": review.signed_off,
                            "comment": review.comment,
                            "residual_score": review.residual_score,
                        }
                        for review in reviews.get(r.risk.pk, [])
                    ],
                }
                for r in rows
            ],
        }


class BusinessPlanKind:
    """The plan: front matter, the status summary, then each section's activities in
    landscape with the strategic-aim columns. The published version leaves out the
    internal-only links column; the internal one (directors and the PMO) keeps it."""

    kind = "business_plan"

    def params_for(self, plan, params=None):
        return {"plan": plan.year, "internal": bool((params or {}).get("internal"))}

    def resolve(self, params):
        from businessplan.models import BusinessPlan

        key = params.get("plan") or ""
        plan = BusinessPlan.objects.filter(Q(year=key) | Q(title=key)).first()
        if plan is None:
            raise SourceMissing(f"No business plan for {key!r} (give its year or title).")
        return plan

    def can_read(self, user, plan, params=None):
        from businessplan import access as plan_access

        if plan_access.sees_internal(user):
            return True
        return plan.status == plan.Status.PUBLISHED and not (params or {}).get("internal")

    def can_read_document(self, user, plan, document):
        """Directors and the PMO read every version; anyone else only the published PDF of
        the plan as it stands (not one made from a draft, nor the internal version)."""
        from businessplan import access as plan_access

        if plan_access.sees_internal(user):
            return True
        return self.can_read(user, plan, document.params) and document.fingerprint == fingerprint(
            self.gather(plan, document.params)
        )

    def title(self, plan, params=None):
        internal = " (internal)" if (params or {}).get("internal") else ""
        return f"Business plan {plan.year}{internal}"

    def filename(self, plan, params=None):
        internal = "-internal" if (params or {}).get("internal") else ""
        return f"business-plan-{plan.year}{internal}.pdf"

    def template(self, data):
        return "pdf/business_plan.html"

    def gather(self, plan, params=None):
        from businessplan.models import Activity, StrategicAim
        from businessplan.summary import status_summary

        internal = bool((params or {}).get("internal"))
        activities = {}
        for activity in (
            Activity.objects.filter(section__plan=plan)
            .select_related("owner")
            .prefetch_related(Prefetch("aims", queryset=StrategicAim.objects.only("number")))
            .order_by("section__order", "order", "pk")
        ):
            activities.setdefault(activity.section_id, []).append(
                {
                    "ref": activity.ref,
                    "title": activity.title,
                    "kind": activity.get_kind_display(),
                    "frequency": activity.frequency,
                    "start": day(activity.start_date),
                    "end": day(activity.end_date),
                    "aims": sorted(a.number for a in activity.aims.all()),
                    "priority": activity.get_priority_display(),
                    "owner": str(activity.owner or ""),
                    "measure": activity.measure,
                    "status": activity.get_status_display(),
                    "status_key": activity.status,
                    "comment": activity.comment,
                    **({"internal_links": activity.internal_links} if internal else {}),
                }
            )
        summaries = status_summary(plan)
        return {
            "internal": internal,
            "plan": {
                "title": plan.title,
                "year": plan.year,
                "organisation": plan.organisation,
                "strapline": plan.strapline,
                "status": plan.get_status_display(),
                **{
                    name: getattr(plan, name)
                    for name in (
                        "introduction",
                        "vision",
                        "values",
                        "equalities",
                        "risk_appetite",
                        "resources",
                        "glossary",
                    )
                },
            },
            "aims": [{"number": a.number, "text": a.text} for a in plan.aims.all()],
            "aim_numbers": [a.number for a in plan.aims.all()],
            "sections": [
                {
                    "name": summary.section.name,
                    "total": summary.total,
                    "counts": [
                        {
                            "label": label,
                            "colour": colour,
                            "count": count,
                            "share": round(100 * count / summary.total, 1),
                        }
                        for _status, label, colour, count in summary.counts
                    ],
                    "activities": activities.get(summary.section.pk, []),
                }
                for summary in summaries
            ],
        }


from .boardpacks import BoardPackKind  # noqa: E402  (it builds on the helpers above)

KINDS = {
    kind.kind: kind
    for kind in (HighlightReportKind(), RiskRegisterKind(), BusinessPlanKind(), BoardPackKind())
}


def get_kind(name):
    try:
        return KINDS[name]
    except KeyError:
        raise SourceMissing(f"Highlight cannot print documents of kind {name!r}.") from None

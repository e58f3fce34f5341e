"""A highlight report: the project's or programme's month, as its sponsor approves it."""

from projects import access as project_access
from projects import finance, markings, milestones, raid, report_templates, tolerances
from projects.models import HighlightReport, Project, RagRating
from projects.reporting import comment_needed, previous_approved_report

from .base import (
    DocumentKind,
    SourceMissing,
    day,
    fingerprint,
    parse_month,
    person,
    rag,
    register_kind,
)
from .rollup import rollup


@register_kind
class HighlightReportKind(DocumentKind):
    name = "highlight_report"
    label = "Highlight report"
    request_fields = ("project", "period")
    required_fields = ("project", "period")
    order = 20
    # The bench's report prints 2 pages, the longest sample 4; the most the edit form's limits
    # let a report hold (projects.forms.report: 2,500 one-letter bullets) prints 54.
    max_pages = 150

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
            raise self.missing(params)
        report.project = project
        return report

    def missing(self, params):
        month = parse_month(params.get("period"))
        return SourceMissing(f"{params.get('project')} has no report for {month:%B %Y}.")

    def can_read(self, user, report, params=None):
        role = project_access.report_role(user, report)
        return project_access.can_read_report(role, report)

    def refusal(self, report, params):
        """A draft one may not read is, to them, no report at all (the project is public)."""
        return self.missing(params)

    def can_read_document(self, user, report, document):
        """Those who read drafts read every PDF of the report; anyone else only the one
        made from what was approved (a PDF printed from a draft stays a draft)."""
        if project_access.report_role(user, report).can_read_drafts:
            return True
        approved = self.approved_fingerprint(report)
        return approved is not None and document.fingerprint == approved

    def approved_fingerprint(self, report):
        if report.status == report.Status.APPROVED and report.approved_snapshot:
            snapshot = report.approved_snapshot
            return fingerprint({**snapshot, "letterhead": self.letterhead(report, snapshot)})
        return None

    def marking(self, report, data):
        """A programme's report prints its projects' positions too (the roll-up): it
        carries the highest of its own marking and theirs."""
        rolled = markings.rolled_up_ids((data or {}).get("rollup"))
        if not rolled:
            return super().marking(report, data)
        return markings.highest_of_ids([report.project.marking_id, *rolled])

    def title(self, report, params=None):
        return f"Highlight report {report.project.code} {report.period_label}"

    def filename(self, report, params=None):
        return f"{report.project.code}-{report.period_slug}-highlight-report.pdf"

    def template(self, data):
        if data["project"]["kind_key"] == Project.Kind.PROGRAMME:
            return "pdf/programme_report.html"
        return "pdf/highlight_report.html"

    def gather(self, report, params=None, progress=None):
        """What the report prints: its frozen snapshot once approved, else the live data."""
        if report.status == report.Status.APPROVED and report.approved_snapshot:
            return report.approved_snapshot
        return self.gather_live(report)

    def gather_live(self, report):
        previous = previous_approved_report(report)
        before = (previous.approved_snapshot or {}) if previous else {}
        # The key milestones and money as they stand (frozen at approval), beside what the
        # last approved report gave.
        key_milestones = milestones.report_lines(report.project, before.get("milestones"))
        money = finance.report_money(
            report.project.finance.all(), finance.report_years(report), before.get("money")
        )
        suggested = tolerances.suggestions(
            money, milestones.worst_slip({"milestones": key_milestones})
        )
        ratings = _ratings(report, previous, suggested)
        deliverables = _deliverables_by_theme(report)
        template = report_templates.template_for(report.project)
        return {
            "project": _project(report.project),
            # The template's words at the time: an approved report keeps them.
            "headings": report_templates.headings(template, report.project.governance_body),
            "report": _report(report, previous, any(line["stated"] for line in ratings)),
            "ratings": ratings,
            "any_rated": any(r["status"] for r in ratings),
            "workstreams": _workstreams(report),
            "deliverables": deliverables,
            "deliverables_dated": any(
                item["due"] or item["forecast"] for group in deliverables for item in group["items"]
            ),
            "concerns": [
                {"concern": c.concern, "countermeasure": c.countermeasure, "resolved": c.resolved}
                for c in report.concerns.all()
            ],
            "milestones": key_milestones,
            "money": money,
            # The RAID items open as at the report's date (frozen with it at approval).
            "raid": raid.report_items(report.project, report.report_date),
            # A programme's projects as their approved reports left them (frozen with it).
            **({"rollup": rollup(report.project, report.period_end)}
               if report.project.kind == Project.Kind.PROGRAMME else {}),
        }  # fmt: skip

    def freeze(self, report):
        """Keep what the report prints as it stands at approval (its snapshot)."""
        report.approved_snapshot = self.gather_live(report)
        report.key_milestones_slip_days = milestones.worst_slip(report.approved_snapshot)
        money = report.approved_snapshot["money"]
        report.money_budget, report.money_forecast = finance.year_total(money)
        worst = finance.worst_overspend(money)
        report.money_over_percent = worst[2] if worst else None
        # An update, not save(): the snapshot is not a change anyone made, so no history row.
        type(report).objects.filter(pk=report.pk).update(
            approved_snapshot=report.approved_snapshot,
            key_milestones_slip_days=report.key_milestones_slip_days,
            money_budget=report.money_budget,
            money_forecast=report.money_forecast,
            money_over_percent=report.money_over_percent,
        )


def _project(project):
    return {
        "code": project.code,
        "name": project.name,
        "kind": project.get_kind_display(),
        "kind_key": project.kind,
        "programme": project.parent.name if project.parent else "",
        "programme_code": project.parent.code if project.parent else "",
        "sponsor": person(project.sponsor),
        "manager": person(project.manager),
        "distribution": project.distribution,
        "area": project.area,
        "start": project.start_display,
        "end": project.end_display,
        "benefits": project.benefits,
        "objectives": project.objectives,
        "approach": project.approach,
        "governance_body": project.governance_body,
    }


# The report's own words, printed as written.
WRITTEN = (
    "status_word",
    "percent_complete",
    *HighlightReport.NARRATIVE,
    "deliverables_title",
)


def _report(report, previous, stated=False):
    return {
        "period": report.period_label,
        "period_start": day(report.period_start),
        "period_end": day(report.period_end),
        "report_date": day(report.report_date),
        "status": report.status,
        "status_display": report.get_status_display(),
        **{name: getattr(report, name) for name in WRITTEN},
        "approved_by": person(report.approved_by),
        "approved_at": day(report.approved_at),
        # Named by the PMO because the sponsor wrote part of the report (separation of duties).
        "approved_in_place_of_sponsor": bool(
            report.named_approver_id and report.approved_by_id == report.named_approver_id
        ),
        # Approved by a deputy for the sponsor (or named approver) away (issue 19); only
        # then, so reports approved before deputies existed print as they did.
        **({"approved_for": person(report.approved_for)} if report.approved_for_id else {}),
        # Brought in from the PMO's records of the months before Highlight (issue 19).
        **({"imported": True} if report.imported else {}),
        "previous_period": (
            stated_period(report) if stated else previous.period_label if previous else ""
        ),
    }


def stated_period(report):
    """The heading of a last-period column the report states itself, in its own words."""
    monthly = report.project.reporting_cadence == report.project.Cadence.MONTHLY
    return "Previous month" if monthly else "Previous period"


def _ratings(report, previous, suggested):
    """Each rating with last period's beside it: what the report itself states
    (RagRating.stated_previous) where it states it, else the previous approved report's
    (projects.reporting.previous_ratings gives the same rule)."""
    ratings = RagRating.objects.filter(report=report).select_related(
        "dimension", "status", "stated_previous"
    )
    before = {}
    if previous is not None:
        before = {r.dimension_id: r.status for r in previous.ratings.select_related("status")}
    before.update({r.dimension_id: r.stated_previous for r in ratings if r.stated_previous})
    return [
        {
            "dimension": rating.dimension.name,
            "status": rag(rating.status),
            "previous": rag(before.get(rating.dimension_id)),
            "stated": rating.stated_previous is not None,
            "comment": rating.comment,
            # Why this line must carry a comment, if it must (the report's own rule).
            "comment_needed": comment_needed(
                rating.status,
                before.get(rating.dimension_id),
                suggested.get(rating.dimension.measures),
            )
            or "",  # fmt: skip
        }
        for rating in ratings
    ]


def _workstreams(report):
    return [
        {
            "name": progress.workstream.name,
            "planned": progress.planned,
            "achievements": progress.achievements,
            "next_steps": progress.next_steps,
        }
        for progress in report.workstream_progress.select_related("workstream")
        if progress.planned or progress.achievements or progress.next_steps
    ]


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

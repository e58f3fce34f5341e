"""The kinds of document Highlight prints. Each kind knows how to find its source from the
document's natural-key params, gather the data it prints, and who may read it.

`gather` returns plain data (strings, numbers, dates, lists): the PDF template renders it
and its sha256 is the document's fingerprint, so a fingerprint always describes exactly
what was printed.
"""

import datetime
import hashlib
import json

from django.utils import timezone

from projects import access as project_access
from projects.models import Project
from projects.reporting import previous_ratings

# Bump when a print template changes enough that existing PDFs should be rendered again.
LAYOUT_VERSION = 1


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


def _person(user):
    if user is None:
        return None
    return {"name": str(user), "name_and_role": user.name_and_role}


def _status(status):
    if status is None:
        return None
    return {"name": status.name, "colour": status.colour, "text_colour": status.text_colour}


class HighlightReportKind:
    kind = "highlight_report"
    template = "pdf/highlight_report.html"

    def params_for(self, report):
        return {"project": report.project.code, "period": report.period_slug}

    def resolve(self, params):
        month = parse_month(params.get("period"))
        try:
            project = Project.objects.select_related("sponsor", "manager", "parent").get(
                code=params.get("project")
            )
        except Project.DoesNotExist:
            raise SourceMissing(f"No project with the code {params.get('project')!r}.") from None
        report = project_access.find_report(project, month)
        if report is None:
            raise SourceMissing(f"{project.code} has no report for {month:%B %Y}.")
        report.project = project
        return report

    def can_read(self, user, report):
        role = project_access.project_role(user, report.project)
        return project_access.can_read_report(role, report)

    def title(self, report):
        return f"Highlight report {report.project.code} {report.period_label}"

    def filename(self, report):
        return f"{report.project.code}-{report.period_slug}-highlight-report.pdf"

    def gather(self, report):
        project = report.project
        previous = previous_ratings(report)
        ratings = []
        for rating in report.ratings.select_related("dimension", "status"):
            before = previous.get(rating.dimension_id)
            ratings.append(
                {
                    "dimension": rating.dimension.name,
                    "status": _status(rating.status),
                    "previous": _status(before.status) if before else None,
                    "comment": rating.comment,
                }
            )
        return {
            "project": {
                "code": project.code,
                "name": project.name,
                "kind": project.get_kind_display(),
                "programme": str(project.parent) if project.parent else "",
                "sponsor": _person(project.sponsor),
                "manager": _person(project.manager),
                "distribution": project.distribution,
                "area": project.area,
                "start": project.start_display,
                "end": project.end_display,
                "benefits": project.benefits,
                "objectives": project.objectives,
                "approach": project.approach,
            },
            "report": {
                "period": report.period_label,
                "period_start": report.period_start,
                "period_end": report.period_end,
                "report_date": report.report_date,
                "status": report.status,
                "status_display": report.get_status_display(),
                "status_word": report.status_word,
                "percent_complete": report.percent_complete,
                "summary": report.summary,
                "achievements": report.achievements,
                "next_period": report.next_period,
                "issues": report.issues,
                "risks_narrative": report.risks_narrative,
                "decisions_required": report.decisions_required,
                "governance": report.governance,
                "communication": report.communication,
                "approved_by": _person(report.approved_by),
                "approved_at": (
                    timezone.localtime(report.approved_at) if report.approved_at else None
                ),
            },
            "ratings": ratings,
            "concerns": [
                {"concern": c.concern, "countermeasure": c.countermeasure}
                for c in report.concerns.all()
            ],
        }


KINDS = {kind.kind: kind for kind in (HighlightReportKind(),)}


def get_kind(name):
    try:
        return KINDS[name]
    except KeyError:
        raise SourceMissing(f"Highlight cannot print documents of kind {name!r}.") from None

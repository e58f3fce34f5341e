"""A report's history, read from django-simple-history's records of the report and of
its RAG lines, concerns, deliverables and workstream sections: who changed what, when."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from .models import (
    Concern,
    Deliverable,
    HighlightReport,
    RagDimension,
    RagRating,
    RagStatus,
    Workstream,
    WorkstreamProgress,
)

SHORT = 160  # long texts are shown cut to this many characters


@dataclass
class Change:
    when: object
    who: object
    subject: str
    action: str  # "created", "changed" or "deleted"
    fields: list = field(default_factory=list)  # (label, old, new)


def _label(model, name):
    return model._meta.get_field(name).verbose_name.capitalize()


def _shown(value, names=None):
    if value is None or value == "":
        return "—"
    if names is not None:
        return names.get(value, str(value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    text = str(value)
    return text if len(text) <= SHORT else text[:SHORT] + "…"


def _changes(records, model, fields, subject, lookups):
    """Changes between consecutive history records of each object."""
    by_object = {}
    for record in records:
        by_object.setdefault(record.id, []).append(record)
    changes = []
    for versions in by_object.values():
        versions.sort(key=lambda r: (r.history_date, r.history_id))
        before = None
        for record in versions:
            kind = {"+": "created", "~": "changed", "-": "deleted"}[record.history_type]
            diffs = []
            for name in fields:
                old = getattr(before, name) if before else None
                new = getattr(record, name)
                if before is not None and old == new:
                    continue
                if before is None and new in (None, ""):
                    continue
                names = lookups.get(name)
                diffs.append((_label(model, name.removesuffix("_id")), _shown(old, names),
                              _shown(new, names)))  # fmt: skip
            if diffs or kind != "changed":
                changes.append(
                    Change(record.history_date, record.history_user, subject(record), kind, diffs)
                )
            before = record
    return changes


# Report fields that are not the report's content, or are shown by name below.
NOT_SHOWN = {
    "id",
    "project",
    "created_at",
    "updated_at",
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user",
    "submitted_by",
    "approved_by",
}


def report_changes(report):
    """Every change to the report and its lines (RAG, concerns, deliverables, workstream
    progress), newest first, with ids written as names."""
    statuses = dict(RagStatus.objects.values_list("pk", "name"))
    dimensions = dict(RagDimension.objects.values_list("pk", "name"))
    workstreams = dict(
        Workstream.objects.filter(project=report.project_id).values_list("pk", "name")
    )
    people = _report_people(report)
    fields = [f.name for f in HighlightReport.history.model._meta.fields if f.name not in NOT_SHOWN]
    # (model, fields shown, what a line is called, names for ids and choices)
    sources = [
        (HighlightReport, [*fields, "submitted_by_id", "approved_by_id"], lambda r: "Report", {
            "status": dict(HighlightReport.Status.choices),
            "submitted_by_id": people,
            "approved_by_id": people,
        }),
        (RagRating, ["status_id", "comment"],
         lambda r: f"RAG: {dimensions.get(r.dimension_id, '?')}", {"status_id": statuses}),
        (Concern, ["concern", "countermeasure", "resolved"], lambda r: "Concern", {}),
        (Deliverable, ["workstream_id", "description", "status", "due_date", "forecast_date"],
         lambda r: "Deliverable",
         {"workstream_id": workstreams, "status": dict(Deliverable.Status.choices)}),
        (WorkstreamProgress, ["planned", "achievements", "next_steps"],
         lambda r: f"Workstream: {workstreams.get(r.workstream_id, '?')}", {}),
    ]  # fmt: skip
    changes = []
    for model, shown, subject, lookups in sources:
        key = {"id": report.pk} if model is HighlightReport else {"report_id": report.pk}
        versions = model.history.select_related("history_user").filter(**key)
        changes += _changes(versions, model, shown, subject, lookups)
    return sorted(changes, key=lambda c: c.when, reverse=True)


def _report_people(report):
    """{user id: name} of everyone who submitted or approved any version of the report."""
    users = {}
    for record in HighlightReport.history.filter(id=report.pk).select_related(
        "submitted_by", "approved_by"
    ):
        users[record.submitted_by_id] = record.submitted_by
        users[record.approved_by_id] = record.approved_by
    return {pk: str(user) for pk, user in users.items() if user}


def last_change(obj):
    """Who last saved obj and when, for a conflict message ("Erin Ellis at 14:02 on 23
    November"); "Someone else" when history does not say."""
    record = obj.history.select_related("history_user").order_by("-history_date").first()
    if record is None:
        return "Someone else"
    when = timezone.localtime(record.history_date)
    who = str(record.history_user) if record.history_user else "Someone else"
    return f"{who} at {when:%H:%M} on {when.day} {when:%B}"

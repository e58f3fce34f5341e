"""The data map (issue 22): every field that can hold personal data, what kind, how long it
is kept and where it leaves Highlight, read from the models and the markers each app keeps
beside them (its `personal_data.py`, calling `mark`).

A link to a person (a foreign key or many-to-many to the user) marks itself. Every other
field of a model that holds people is marked here: with what it holds, or None for a field
that holds nothing personal (a status, a code). Numbers, dates, flags and links to other
records need no marker. tests/test_projects/test_data_map.py fails on a field left out, so
the map stays true as the models change.
"""

import importlib
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import models

LINK = "names a person (a link to their account)"
NAME = "a person's name"
ACCOUNT = "sign-in identifiers"
CONTACT = "contact details"
JOB = "a person's job"
FREE_TEXT = "free text, which may name people"
SYSTEM_TEXT = "text Highlight writes, naming people by name or username"
ADDRESS = "a network address"
HASHED = "a secret, kept as a hash or digest and never shown"
CREDENTIAL = "a credential (a webhook address), never shown or exported"
ACTIVITY = "what a person did, and when"
# Text that may name someone: anonymising replaces it, a subject-access archive searches it.
NAMING = {NAME, FREE_TEXT, ACCOUNT, CONTACT, JOB, SYSTEM_TEXT}

KEPT_UNTIL_REMOVED = "until the PMO removes it"
API, DOCUMENTS, SPREADSHEETS, ARCHIVE = (
    "the API",
    "PDF documents",
    "xlsx/CSV exports",
    ("subject-access archives"),
)
# Fields whose kind of value can hold nothing personal.
PLAIN = (models.AutoField, models.BigAutoField, models.IntegerField, models.DecimalField,
         models.FloatField, models.BooleanField, models.DateField, models.DurationField,
         models.UUIDField)  # fmt: skip


@dataclass
class Marked:
    label: str
    kept: str
    exported: tuple
    fields: dict = field(default_factory=dict)


MARKERS = {}


def scheduled(*keys):
    """How long the retention schedule keeps these records, read when the map is made."""

    def kept():
        from . import retention

        lines = {kind.key: (kind, rule) for kind, rule in retention.schedule()}
        return "; ".join(
            f"{kind.label}: {rule.period} {kind.counted_from}" if rule.active
            else f"{kind.label}: {KEPT_UNTIL_REMOVED}"
            for kind, rule in (lines[key] for key in keys)
        )  # fmt: skip

    return kept


def mark(label, kept=KEPT_UNTIL_REMOVED, exported=(), **fields):
    """An app's model ("app.Model"): how long it is kept, where it is exported, and for
    each field that is not a plain value or a link, what personal data it holds (None:
    none)."""
    MARKERS[label] = Marked(label, kept, tuple(exported), fields)


def collect():
    """Every app's markers (each app's personal_data module marks its own models)."""
    for config in apps.get_app_configs():
        try:
            importlib.import_module(f"{config.name}.personal_data")
        except ModuleNotFoundError as missing:
            if missing.name != f"{config.name}.personal_data":
                raise
    return MARKERS


def holds_people(model):
    user = apps.get_model(settings.AUTH_USER_MODEL)
    return model is user or any(
        f.is_relation and not f.auto_created and f.related_model is user
        for f in model._meta.get_fields()
    )


def needs_marker(model_field):
    if model_field.is_relation:
        return False
    return not isinstance(model_field, PLAIN)


def unmarked():
    """ "app.Model.field" for every field of a model holding people that has no marker."""
    markers = collect()
    missing = []
    for model in people_models():
        marked = markers.get(model._meta.label)
        for model_field in model._meta.concrete_fields:
            if needs_marker(model_field) and (
                marked is None or model_field.name not in marked.fields
            ):
                missing.append(f"{model._meta.label}.{model_field.name}")
    return missing


def stale():
    """Markers naming a model or field that no longer exists."""
    found = []
    for label, marked in collect().items():
        try:
            model = apps.get_model(label)
        except LookupError:
            found.append(label)
            continue
        names = {f.name for f in model._meta.concrete_fields}
        found += [f"{label}.{name}" for name in marked.fields if name not in names]
    return found


OUR_APPS = ("projects", "risks", "businessplan", "reports")


def people_models():
    """Every model of Highlight's own (what people type may name anyone), and the
    libraries' models that are linked to people or name them (sign-in logs)."""
    marked = collect()
    return [m for m in apps.get_models()
            if (m._meta.app_label in OUR_APPS or holds_people(m) or m._meta.label in marked)
            and not is_history(m)]  # fmt: skip


def is_history(model):
    return model.__name__.startswith("Historical") and hasattr(model, "instance_type")


@dataclass(frozen=True)
class Row:
    model: str
    field: str
    holds: str
    kept: str
    exported: str


def data_map():
    """[Row] for every field that can hold personal data, model by model."""
    markers = collect()
    user = apps.get_model(settings.AUTH_USER_MODEL)
    rows = []
    for model in sorted(people_models(), key=lambda m: m._meta.label):
        marked = markers.get(model._meta.label) or Marked(model._meta.label, "", ())
        # The subject-access archive follows the links to a person, and searches text that
        # may name them (subject_access.py).
        searched = holds_people(model) or NAMING & set(marked.fields.values())
        exported = ", ".join([*marked.exported, *([ARCHIVE] if searched else [])])
        for model_field in [*model._meta.concrete_fields, *model._meta.many_to_many]:
            if model_field.is_relation:
                holds = LINK if model_field.related_model is user else None
            else:
                holds = marked.fields.get(model_field.name)
            if holds:
                rows.append(Row(model._meta.label, model_field.name, holds, kept_of(marked),
                                exported or "nowhere"))  # fmt: skip
        if hasattr(model, "history"):
            rows.append(Row(model._meta.label, "(its history)", ACTIVITY + ": each change",
                            kept_of(marked), ARCHIVE))  # fmt: skip
    return rows


def kept_of(marked):
    return marked.kept() if callable(marked.kept) else marked.kept


def audit_kept():
    return f"{settings.AUDIT_RETENTION_DAYS} days (AUDIT_RETENTION_DAYS), then removed nightly"


# Highlight's own and the libraries' models that hold people; the apps mark theirs.
mark("projects.User", exported=(API, DOCUMENTS, SPREADSHEETS), password=HASHED,
     username=ACCOUNT, first_name=NAME, last_name=NAME, email=CONTACT, job_title=JOB,
     organisation_unit=JOB)  # fmt: skip
mark("account.EmailAddress", email=CONTACT)
mark("socialaccount.SocialAccount", provider=None, uid=ACCOUNT, extra_data=CONTACT)
mark("mfa.Authenticator", type=None, data=HASHED)
# django-axes' sign-in records name people by what they typed, not by a link.
AXES = {"kept": "as django-axes keeps them (AXES_COOLOFF_TIME for failures)",
        "username": ACCOUNT, "ip_address": ADDRESS, "user_agent": None, "http_accept": None,
        "path_info": None}  # fmt: skip
mark("axes.AccessLog", **AXES, session_hash=None)
mark("axes.AccessAttempt", **AXES, get_data=FREE_TEXT, post_data=FREE_TEXT)
mark("axes.AccessFailureLog", **AXES)
mark("admin.LogEntry", object_id=None, object_repr=SYSTEM_TEXT, change_message=SYSTEM_TEXT)
mark("projects.AuditEvent", kept=audit_kept(), exported=(SPREADSHEETS,), kind=None,
     actor_name=ACCOUNT, object_type=None, object_id=None, object_repr=SYSTEM_TEXT,
     address=ADDRESS, outcome=None, description=SYSTEM_TEXT)  # fmt: skip
mark("projects.ApiToken", name=FREE_TEXT, prefix=None, digest=HASHED, last_used_from=ADDRESS)
mark("projects.ChannelHook", kind=None, url=CREDENTIAL, last_error=None)
mark("projects.RetentionRule", records=None, unit=None, reason=None)
mark("projects.LegalHold", kept="for ever: the record of what was held, why and by whom",
     target_name=FREE_TEXT, reason=FREE_TEXT, lift_reason=FREE_TEXT)  # fmt: skip
mark("projects.Marking", name=None, description=None)
mark("projects.Organisation", exported=(DOCUMENTS,), name=None, logo=None, risk_appetite=None,
     privacy_contact=CONTACT, privacy_notice=FREE_TEXT, accessibility_statement=FREE_TEXT,
     accessibility_contact=CONTACT)  # fmt: skip
mark("projects.ReportTemplate", name=None, sections=None)
mark("projects.Workstream", name=None)
mark("projects.RagDimension", name=None, measures=None)
mark("projects.RagStatus", name=None, colour=None)
REPORTS_KEPT = scheduled("approved_reports", "unapproved_reports")
REPORT_PART = {"exported": (API, DOCUMENTS, SPREADSHEETS), "kept": REPORTS_KEPT}
mark("projects.RagRating", **REPORT_PART, comment=FREE_TEXT)
mark("projects.Concern", **REPORT_PART, concern=FREE_TEXT, countermeasure=FREE_TEXT)
mark("projects.WorkstreamProgress", **REPORT_PART, planned=FREE_TEXT, achievements=FREE_TEXT,
     next_steps=FREE_TEXT)  # fmt: skip
mark("projects.Deliverable", **REPORT_PART, description=FREE_TEXT, status=None)
mark("projects.FinanceLine", kind=None)
mark("projects.Milestone", exported=(API, DOCUMENTS), name=FREE_TEXT, status=None)
mark("projects.ReportReminder", kind=None, recipients=CONTACT)
mark("projects.Project", exported=(API, DOCUMENTS, SPREADSHEETS), code=None, name=FREE_TEXT,
     kind=None, start_precision=None, end_precision=None, status=None, benefits=FREE_TEXT,
     objectives=FREE_TEXT, approach=FREE_TEXT, distribution=FREE_TEXT, area=None,
     cost_centre=None, reporting_cadence=None, governance_body=FREE_TEXT)  # fmt: skip
mark("projects.HighlightReport", **REPORT_PART, status=None,
     status_word=None, summary=FREE_TEXT, planned_this_period=FREE_TEXT,
     achievements=FREE_TEXT, next_period=FREE_TEXT, issues=FREE_TEXT,
     risks_narrative=FREE_TEXT, decisions_required=FREE_TEXT, governance=FREE_TEXT,
     communication=FREE_TEXT, deliverables_title=None, sponsor_comment=FREE_TEXT,
     reopen_reason=FREE_TEXT, approved_snapshot=NAME)  # fmt: skip
mark("projects.ImportJob", kept=scheduled("imports"), importer=None, name=FREE_TEXT,
     address=ADDRESS, step=None, status=None, progress_step=None, outcome=FREE_TEXT,
     fingerprint=None, message=FREE_TEXT)  # fmt: skip
mark("projects.Deputy")
mark("projects.Rebaseline", exported=(API, DOCUMENTS), reason=FREE_TEXT)
mark("projects.RaidItem", exported=(API, DOCUMENTS, SPREADSHEETS), kind=None, title=FREE_TEXT,
     description=FREE_TEXT, status=None, resolution=FREE_TEXT, decided_by=NAME)  # fmt: skip

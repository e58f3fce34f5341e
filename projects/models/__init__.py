"""The projects app's models, one module per concern; every public name is re-exported
here so `from projects.models import X` (and Django's model loading) keep working."""

from .audit import AuditEvent
from .common import (
    FIRST_YEAR,
    LAST_YEAR,
    DatePrecision,
    contrast_text_colour,
    format_partial_date,
    hex_colour,
    project_code,
    validate_year,
)
from .highlight import (
    Concern,
    Deliverable,
    HighlightReport,
    RagDimension,
    RagRating,
    RagStatus,
    WorkstreamProgress,
)
from .imports import ImportJob
from .organisation import Marking, Organisation, ReportTemplate, highest
from .people import Deputy, User
from .plan import Milestone, Rebaseline
from .projects import Project, Workstream
from .reminders import ReportReminder

__all__ = [
    "AuditEvent",
    "FIRST_YEAR",
    "LAST_YEAR",
    "Concern",
    "DatePrecision",
    "Deputy",
    "Deliverable",
    "HighlightReport",
    "ImportJob",
    "Marking",
    "Milestone",
    "Organisation",
    "Project",
    "RagDimension",
    "RagRating",
    "RagStatus",
    "Rebaseline",
    "ReportReminder",
    "ReportTemplate",
    "User",
    "Workstream",
    "WorkstreamProgress",
    "contrast_text_colour",
    "format_partial_date",
    "highest",
    "hex_colour",
    "project_code",
    "validate_year",
]

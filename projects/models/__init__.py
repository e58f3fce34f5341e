"""The projects app's models, one module per concern; every public name is re-exported
here so `from projects.models import X` (and Django's model loading) keep working."""

from .api import ApiToken
from .audit import AuditEvent
from .channels import ChannelHook
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
from .money import FinanceLine
from .organisation import Marking, Organisation, ReportTemplate, highest
from .people import Deputy, User
from .plan import Milestone, Rebaseline
from .projects import Project, Workstream
from .raid import RaidItem
from .reminders import ReportReminder
from .retention import LegalHold, RetentionRule

__all__ = [
    "ApiToken",
    "AuditEvent",
    "ChannelHook",
    "FIRST_YEAR",
    "LAST_YEAR",
    "Concern",
    "DatePrecision",
    "Deputy",
    "Deliverable",
    "HighlightReport",
    "FinanceLine",
    "ImportJob",
    "LegalHold",
    "Marking",
    "Milestone",
    "Organisation",
    "Project",
    "RagDimension",
    "RagRating",
    "RagStatus",
    "RaidItem",
    "Rebaseline",
    "ReportReminder",
    "RetentionRule",
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

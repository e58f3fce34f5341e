"""The projects app's forms, one module per concern; every public name is re-exported here
so `from projects.forms import X` keeps working."""

from .approval import NameApproverForm
from .fields import (
    MARKDOWN_HELP,
    REMOVED_MEANWHILE,
    TEXT_LIMIT,
    BoundedModelForm,
    BoundedText,
    LongSelect,
    MonthField,
    PartialDateField,
    SeenVersion,
    VersionRequired,
)
from .formsets import ROWS_CHANGED, GuardedInlineFormSet
from .organisation import MarkingForm, OrganisationForm, ReportTemplateForm
from .project import (
    BaseWorkstreamFormSet,
    ManagerProjectForm,
    ProjectForm,
    WorkstreamFormSet,
    workstream_in_approved_report,
)
from .report import (
    LONG_TEXT,
    BaseDeliverableFormSet,
    BaseRagRatingFormSet,
    ConcernForm,
    ConcernFormSet,
    DeliverableForm,
    DeliverableFormSet,
    NewReportForm,
    RagRatingForm,
    RagRatingFormSet,
    ReportForm,
    WorkstreamProgressForm,
    WorkstreamProgressFormSet,
)

__all__ = [
    "NameApproverForm",
    "LONG_TEXT",
    "MARKDOWN_HELP",
    "TEXT_LIMIT",
    "BaseDeliverableFormSet",
    "BaseRagRatingFormSet",
    "BaseWorkstreamFormSet",
    "BoundedModelForm",
    "BoundedText",
    "ConcernForm",
    "ConcernFormSet",
    "DeliverableForm",
    "DeliverableFormSet",
    "GuardedInlineFormSet",
    "LongSelect",
    "ManagerProjectForm",
    "MarkingForm",
    "MonthField",
    "NewReportForm",
    "OrganisationForm",
    "PartialDateField",
    "ProjectForm",
    "RagRatingForm",
    "REMOVED_MEANWHILE",
    "ROWS_CHANGED",
    "SeenVersion",
    "VersionRequired",
    "RagRatingFormSet",
    "ReportForm",
    "ReportTemplateForm",
    "WorkstreamFormSet",
    "WorkstreamProgressForm",
    "WorkstreamProgressFormSet",
    "workstream_in_approved_report",
]

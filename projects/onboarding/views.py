"""The PMO's pages for bringing people, projects and past RAG history in from a
spreadsheet (upload, preview, confirm: projects.upload_pages) and for exporting the same
lists in the layout the imports read."""

from dataclasses import dataclass

from django.http import HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import access, audit, exports, upload_pages
from ..models import Organisation
from . import finance, people, portfolio, rag_history

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass
class Import:
    """One of the imports: its importer, its URL names' stem and what its page says."""

    importer: type
    stem: str  # "people" → projects:people-import, -job, -confirm, -export
    title: str
    intro: str
    columns: str

    def get_absolute_url(self):
        return reverse(f"projects:{self.stem}-import")

    def __str__(self):
        return self.title


IMPORTS = {
    "people": Import(
        people.PeopleImporter,
        "people",
        "Import people",
        "People are matched on their email address (or username): new ones are added and "
        "emailed an invitation to choose their own password, changed ones updated, and "
        "importing the same file again changes nothing. Groups (PMO, Directors) are a "
        "superuser's to grant: for anyone else the column is checked but not applied.",
        "Email or Username; Full name (or First name and Last name); optionally Job title, "
        "Organisation unit, Groups (PMO; Directors) and Active (yes or no).",
    ),
    "projects": Import(
        portfolio.ProjectImporter,
        "projects",
        "Import projects and programmes",
        "Projects are matched on their code: new ones are added, changed ones updated, and "
        "importing the same file again changes nothing. Everyone a row names must be in "
        "Highlight already (import the people first); programmes may be in the same file.",
        "Code, Name, Sponsor; optionally Kind (Project or Programme), Programme (its code), "
        "Manager, Editors (separated by ;), Director, Start and End (05/06/2011, June 2011 "
        "or 2013) with their precision, Cadence, Status, Reports go to, Report due (working "
        "days), Distribution, Area, Benefits, Objectives, Approach.",
    ),
    "rag-history": Import(
        rag_history.RagHistoryImporter,
        "rag-history",
        "Import past RAG history",
        "Each project and month becomes an approved report marked imported, with its RAG as "
        "the sheet gives it and approved by whom and when it says, so the dashboard's trend, "
        "the previous RAG and the on-time rates start right. A report written in Highlight "
        "is never replaced, and importing the same file again changes nothing.",
        "Project (its code), Month (2024-03 or March 2024), Dimension, Status, Approved by, "
        "Approved on; optionally Comment and Submitted on (else the approval date). One row "
        "per project, month and RAG dimension.",
    ),
    "finance": Import(
        finance.FinanceImporter,
        "finance",
        "Import the finance system's figures",
        "Each row is one project's money for a financial year, capital or revenue apart, "
        "matched on the project (its code, or its cost centre as the finance system knows "
        "it), the year and the kind: new lines are added, changed ones updated, and "
        "importing the same extract again changes nothing. A blank figure is left as it is. "
        "Figures for a month are marked as the finance system's for that month, for the "
        "manager to check and confirm in the next report.",
        "Project (its code) or Cost centre; Period (a month: 2026-09, September 2026 or P6 "
        "2026-27; or a financial year: 2026-27), or Year and Period (2026-27 and 6); Kind "
        "(Capital or Revenue); Budget, Actual (spend to date) and Forecast (outturn), in "
        "pounds.",
    ),
}


def organisation():
    return Organisation.objects.get(pk=Organisation.current().pk)


def context(which):
    spec = IMPORTS[which]
    return {
        "spec": spec,
        "confirm_url": reverse(f"projects:{spec.stem}-import-confirm"),
        "export_url": reverse(f"projects:{spec.stem}-export"),
    }


@require_http_methods(["GET", "POST"])
def import_page(request, which):
    access.require_pmo(request.user)
    spec = IMPORTS[which]
    form = upload_pages.ImportForm(request.POST or None, request.FILES or None)
    return upload_pages.upload_page(
        request,
        spec.importer,
        organisation(),
        form,
        "projects/settings/import.html",
        context(which),
        (f"projects:{spec.stem}-import-job",),
    )


@require_GET
def import_job(request, which, job):
    access.require_pmo(request.user)
    spec = IMPORTS[which]
    return upload_pages.job_page(
        request,
        spec.importer,
        organisation(),
        job,
        upload_pages.ImportForm(),
        "projects/settings/import.html",
        context(which),
    )


@require_POST
def import_confirm(request, which):
    access.require_pmo(request.user)
    spec = IMPORTS[which]
    pages = (f"projects:{spec.stem}-import-job",), (f"projects:{spec.stem}-import",)
    return upload_pages.confirm_page(request, spec.importer, organisation(), *pages)


@require_GET
def export(request, which):
    """The list as it is now, in the layout its import reads."""
    access.require_pmo(request.user)
    if which == "people":
        columns, rows = people.COLUMNS, map(people.person_row, people.people_in_order())
        title = "People"
    elif which == "finance":
        columns, rows, title = finance.COLUMNS, finance.finance_rows(), "Finance"
    elif which == "rag-history":
        columns, rows, title = rag_history.COLUMNS, rag_history.history_rows(), "RAG history"
    else:
        columns, rows = portfolio.COLUMNS, map(portfolio.project_row, portfolio.projects_in_order())
        title = "Projects"
    response = HttpResponse(exports.table_workbook(title, columns, list(rows)), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="highlight-{which}.xlsx"'
    audit.record(audit.Kind.EXPORT, request=request, description=f"{title} as .xlsx.")
    return response

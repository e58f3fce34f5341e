"""Importing past RAG history: one row per project, month and RAG dimension, with its
status and comment and who approved that month's report and when. Each project-month
becomes an approved highlight report marked imported, so the dashboard's trend, the
previous-RAG column and the on-time rates are right from the first day. A report written
in Highlight is never overwritten; an imported one is matched on its project and month,
so re-importing changes nothing."""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from .. import dashboard
from ..models import HighlightReport, Project, RagDimension, RagRating, RagStatus
from ..periods import month_end
from ..spreadsheets import RowError, read_date, text
from .table import People, TableImporter

HEADINGS = {
    "project": ["project", "code", "projectid", "projectcode"],
    "month": ["month", "period", "reportmonth", "monthof"],
    "dimension": ["dimension", "ragdimension", "area", "measure", "rag"],
    "status": ["status", "ragstatus", "rating"],
    "comment": ["comment", "comments", "commentary", "narrative"],
    "approved_by": ["approvedby", "approver", "signedoffby", "agreedby"],
    "approved_on": ["approvedon", "approved", "approvaldate", "dateapproved", "signedoffon"],
    "submitted_on": ["submittedon", "submitted", "datesubmitted"],
}
MONTH_PATTERNS = ("%Y-%m", "%B %Y", "%b %Y", "%m/%Y", "%b-%y", "%B-%y")


def read_month(value):
    """The first day of the month a cell names (a date, 2024-03, March 2024, 03/2024)."""
    if isinstance(value, datetime.date | datetime.datetime):
        return read_date(value).replace(day=1)
    for pattern in MONTH_PATTERNS:
        try:
            return datetime.datetime.strptime(text(value), pattern).date()
        except ValueError:
            continue
    try:
        return read_date(value).replace(day=1)
    except ValueError:
        raise RowError(
            f"The month {text(value)!r} is not a month: write 2024-03 or March 2024."
        ) from None


def when(row, column, required):
    value = row.cells.get(column)
    if not text(value):
        if required:
            raise RowError(f"Give the date it was {column.split('_')[0]}.")
        return None
    try:
        return read_date(value)
    except ValueError:
        raise RowError(
            f"{column.replace('_', ' ').capitalize()} {text(value)!r} is not a date."
        ) from None


def cells(row):
    month = read_month(row.cells.get("month"))
    if month_end(month) >= timezone.localdate():
        raise RowError(f"{month:%B %Y} has not ended: history is of months past.")
    values = {
        "code": row.text("project"),
        "month": month,
        "dimension": row.text("dimension"),
        "status": row.text("status"),
        "comment": row.text("comment"),
        "approver": row.text("approved_by"),
        "approved_on": when(row, "approved_on", True),
        "submitted_on": when(row, "submitted_on", False),
    }
    values["ref"] = f"{values['code']} {month:%b %Y} {values['dimension']}".strip()
    for column in ("code", "dimension", "status", "approver"):
        if not values[column]:
            raise RowError(f"Give the {HEADINGS_SPOKEN[column]}.")
    for day in (values["approved_on"], values["submitted_on"]):
        if day and not month <= day <= timezone.localdate():
            raise RowError(f"{day:%d/%m/%Y} is not between the month's start and today.")
    if values["submitted_on"] and values["submitted_on"] > values["approved_on"]:
        raise RowError("Submitted on is after Approved on: a report is approved once submitted.")
    return values


HEADINGS_SPOKEN = {
    "code": "project",
    "dimension": "RAG dimension",
    "status": "RAG status",
    "approver": "approver",
}


@dataclass
class Month:
    """One project-month of the file: its report, and its rows by dimension."""

    project: Project
    month: datetime.date
    approver: object
    approved_on: datetime.date
    submitted_on: datetime.date
    report: HighlightReport | None
    ratings: dict = field(default_factory=dict)  # dimension id: (status, comment)
    written: HighlightReport | None = None  # the month's report written in Highlight


class RagHistoryImporter(TableImporter):
    upload_key = "rag-history"
    HEADINGS = HEADINGS
    NEEDED = (
        ("project",),
        ("month",),
        ("dimension",),
        ("status",),
        ("approved_by",),
        ("approved_on",),
    )
    PARSERS = (cells,)

    def identity(self, values):
        return (values["code"].lower(), values["month"], values["dimension"].lower())

    def records(self):
        return HighlightReport.objects.all()

    def parse(self, sheets):
        rows = super().parse(sheets)
        self.people = People(active_only=False)
        projects = {p.code.lower(): p for p in Project.objects.all()}
        dimensions = {d.name.lower(): d for d in RagDimension.objects.all()}
        statuses = {s.name.lower(): s for s in RagStatus.objects.all()}
        named = {projects[c] for c in {r.values["code"].lower() for r in rows} if c in projects}
        self.reports = {}  # project id: its reports, each with its ratings
        for report in HighlightReport.objects.filter(project__in=named).prefetch_related("ratings"):
            self.reports.setdefault(report.project_id, []).append(report)
        months = {}
        for row in rows:
            try:
                self.month_of(row, months, projects, dimensions, statuses)
            except RowError as exc:
                self.problem("errors", row.sheet, row.number, row.ref, str(exc))
        return list(months.values())

    def month_of(self, row, months, projects, dimensions, statuses):
        values = row.values
        project = projects.get(values["code"].lower())
        if project is None:
            raise RowError(
                f"No project in Highlight has the code {values['code']!r}: import "
                "the projects first."
            )
        dimension = dimensions.get(values["dimension"].lower())
        if dimension is None:
            raise RowError(
                f"{values['dimension']!r} is not a RAG dimension here ("
                f"{', '.join(d.name for d in dimensions.values())})."
            )
        status = statuses.get(values["status"].lower())
        if status is None:
            raise RowError(
                f"{values['status']!r} is not a RAG status here ("
                f"{', '.join(s.name for s in statuses.values())})."
            )
        approver = self.people.find(values["approver"], "approver")
        key = (project.pk, values["month"])
        month = months.get(key)
        if month is None:
            report, written = self.report_for(project, values["month"])
            month = months[key] = Month(project, values["month"], approver,
                                        values["approved_on"],
                                        values["submitted_on"] or values["approved_on"], report,
                                        written=written)  # fmt: skip
        elif (month.approver, month.approved_on) != (approver, values["approved_on"]):
            raise RowError(
                f"Another row of {project.code} {values['month']:%B %Y} says it was "
                f"approved by {month.approver} on {month.approved_on:%d/%m/%Y}: one "
                "month's report has one approval."
            )
        if month.written is not None:
            self.as_written(month, dimension, status, values["comment"])
        if status.requires_comment and not values["comment"]:
            row.warn(f"{status.name} with no comment: imported as the sheet has it.")
        month.ratings[dimension.pk] = (status, values["comment"])

    def report_for(self, project, month):
        """(the imported report this month updates, or None; the report written in Highlight
        that covers the month, or None). An imported report reopened in Highlight is being
        worked on there: it counts as written there."""
        covering = [r for r in self.reports.get(project.pk, [])
                    if r.period_start <= month_end(month) and r.period_end >= month]  # fmt: skip
        whole = (month, month_end(month))
        for report in covering:
            approved = report.imported and report.status == HighlightReport.Status.APPROVED
            if approved and (report.period_start, report.period_end) == whole:
                return report, None
        return None, covering[0] if covering else None

    @staticmethod
    def as_written(month, dimension, status, comment):
        """A row of a month Highlight already has a report for (written there, or reopened
        there): taken as unchanged when it says what that report says (the history export of
        a live system imports again), refused otherwise."""
        report = month.written
        rating = next((r for r in report.ratings.all() if r.dimension_id == dimension.pk), None)
        same = (
            report.status == HighlightReport.Status.APPROVED
            and (report.period_start, report.period_end) == (month.month, month_end(month.month))
            and report.approved_by_id == month.approver.pk
            and report.approved_at and timezone.localdate(report.approved_at) == month.approved_on
            and rating is not None and (rating.status_id, rating.comment) == (status.pk, comment)
        )  # fmt: skip
        if not same:
            where = "reopened in" if report.imported else "written in"
            raise RowError(f"{month.project.code}'s {report.period_label} report was {where} "
                           "Highlight: an import never replaces it.")  # fmt: skip

    # --- Writing -------------------------------------------------------------------------

    def write(self, parsed, user):
        self.outcome.unchanged += sum(1 for m in parsed if m.written is not None)
        parsed = [m for m in parsed if m.written is None]
        new = [m for m in parsed if m.report is None]
        for month in parsed:
            if month.report is not None:
                self.update(month, user)
        reports = bulk_create_with_history(
            [
                HighlightReport(
                    project=m.project,
                    period_start=m.month,
                    period_end=month_end(m.month),
                    **self.report_fields(m),
                )
                for m in new
            ],
            HighlightReport,
            batch_size=500,
            default_user=user,
        )
        ratings = [
            RagRating(report=report, dimension_id=dimension, status=status, comment=comment)
            for report, month in zip(reports, new, strict=True)
            for dimension, (status, comment) in month.ratings.items()
        ]
        bulk_create_with_history(ratings, RagRating, batch_size=1000, default_user=user)
        self.outcome.created += len(new)
        self.outcome.changes += [
            (
                "create",
                f"{m.project.code} {m.month:%B %Y}",
                f"approved by {m.approver} on {m.approved_on:%d/%m/%Y}",
            )
            for m in new
        ]
        if parsed:
            dashboard.note_change(None)

    @staticmethod
    def report_fields(month):
        def at(day):
            return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))

        return {
            "status": HighlightReport.Status.APPROVED,
            "imported": True,
            "report_date": month.submitted_on,
            "approved_by": month.approver,
            "approved_at": at(month.approved_on),
            "submitted_at": at(month.submitted_on),
            "first_submitted_at": at(month.submitted_on),
        }

    def update(self, month, user):
        report, changed = month.report, []
        for name, value in self.report_fields(month).items():
            if getattr(report, name) != value:
                setattr(report, name, value)
                changed.append(name)
        ratings = {r.dimension_id: r for r in report.ratings.all()}
        for dimension, (status, comment) in month.ratings.items():
            rating = ratings.get(dimension)
            if rating is None:
                RagRating.objects.create(
                    report=report, dimension_id=dimension, status=status, comment=comment
                )
            elif (rating.status_id, rating.comment) != (status.pk, comment):
                rating.status, rating.comment = status, comment
                rating.save()
            else:
                continue
            changed.append(f"{RagDimension.objects.get(pk=dimension).name} RAG")
        if not changed:
            self.outcome.unchanged += 1
            return
        report.version += 1
        report._history_user = user
        report.save()
        self.outcome.updated += 1
        self.outcome.changes.append(
            (
                "update",
                f"{report.project.code} {month.month:%B %Y}",
                ", ".join(c.replace("_", " ") for c in changed),
            )
        )


# --- The same layout, exported: every approved report's RAG, imported or written here ------

COLUMNS = (
    "Project",
    "Month",
    "Dimension",
    "Status",
    "Comment",
    "Approved by",
    "Approved on",
    "Submitted on",
)


def history_rows():
    ratings = (
        RagRating.objects.filter(report__status=HighlightReport.Status.APPROVED)
        .select_related("report__project", "report__approved_by", "dimension", "status")
        .order_by("report__project__code", "report__period_start", "dimension__order")
    )
    for rating in ratings.iterator(chunk_size=2000):
        report = rating.report
        approver = report.approved_by
        yield [
            report.project.code,
            report.period_start.strftime("%Y-%m"),
            rating.dimension.name,
            rating.status.name if rating.status else "",
            rating.comment,
            (approver.email or approver.username) if approver else "",
            timezone.localdate(report.approved_at) if report.approved_at else "",
            timezone.localdate(report.first_submitted_at) if report.first_submitted_at else "",
        ]

"""Importing projects and programmes: one row each, matched on the project ID (code), so
re-importing a list changes nothing. Everyone a row names (sponsor, manager, editors,
director) must be in Highlight already, found by email, username or full name: an unknown
sponsor is an error row, never a new account. A programme may be named by projects in the
same file; programmes are written first."""

import hashlib
import json

from django.core.exceptions import ValidationError
from django.db.models.functions import Lower

from ..access import PMO
from ..forms.fields import PartialDateField
from ..models import DatePrecision, Project, User, format_partial_date, project_code
from ..spreadsheets import RowError, read_date, text
from .table import People, TableImporter

HEADINGS = {
    "code": ["code", "projectid", "projectcode", "id", "ref", "reference", "projectref"],
    "name": ["name", "title", "projectname", "projecttitle", "project"],
    "kind": ["kind", "type", "projecttype"],
    "parent": ["programme", "programmecode", "parent", "program", "partof"],
    "sponsor": ["sponsor", "projectsponsor", "seniorresponsibleowner", "sro"],
    "manager": ["manager", "projectmanager", "programmemanager", "pm"],
    "editors": ["editors", "editor", "otherwriters"],
    "director": ["director", "escalateto", "escalationdirector"],
    "start": ["start", "startdate"],
    "start_precision": ["startprecision"],
    "end": ["end", "enddate", "anticipatedend", "finish", "finishdate"],
    "end_precision": ["endprecision", "anticipatedendprecision"],
    "reporting_cadence": ["cadence", "reportingcadence", "reporting", "reportingfrequency"],
    "status": ["status", "projectstatus"],
    "governance_body": ["reportsgoto", "governancebody", "board"],
    "report_due_working_days": ["reportdueworkingdays", "dueworkingdays", "reportdue"],
    "distribution": ["distribution"],
    "area": ["area", "wardsaffected"],
    "benefits": ["benefits"],
    "objectives": ["objectives"],
    "approach": ["approach"],
}
TEXTS = ("name", "governance_body", "distribution", "area", "benefits", "objectives", "approach")
PEOPLE = ("sponsor", "manager", "director")
MAX_DUE_DAYS = 60


def choice(row, column, choices, default):
    if column not in row.present or not row.text(column):
        return default if column in row.present else None
    word = row.text(column).lower()
    for value, label in choices:
        if word in (value.lower(), label.lower(), label.split(" (")[0].lower()):
            return value
    allowed = ", ".join(label.split(" (")[0] for _, label in choices)
    raise RowError(
        f"{column.replace('_', ' ').capitalize()} is {row.text(column)!r}: write one of {allowed}."
    )


def code(row):
    value = row.text("code")
    if not value:
        raise RowError("Give the project ID.")
    try:
        project_code(value)
    except ValidationError:
        raise RowError(
            f"The project ID {value!r} may hold letters, digits, dots, dashes and "
            "underscores only.",
            ref=value,
        ) from None
    if len(value) > 40:
        raise RowError("The project ID is longer than 40 characters.", ref=value)
    return {"ref": value, "code": value}


def texts(row):
    values = {}
    for column in TEXTS:
        if column not in row.present:
            continue
        values[column] = row.text(column)
        limit = Project._meta.get_field(column).max_length
        if limit and len(values[column]) > limit:
            raise RowError(f"The {column.replace('_', ' ')} is longer than {limit} characters.")
    if not values.get("name"):
        raise RowError("Give the project's title.")
    if "governance_body" in values and not values["governance_body"]:
        values["governance_body"] = Project._meta.get_field("governance_body").default
    return values


def choices(row):
    values = {
        "kind": choice(row, "kind", Project.Kind.choices, Project.Kind.PROJECT)
        or Project.Kind.PROJECT,
        "status": choice(row, "status", Project.Status.choices, Project.Status.ACTIVE),
        "reporting_cadence": choice(
            row, "reporting_cadence", Project.Cadence.choices, Project.Cadence.MONTHLY
        ),
    }
    if "report_due_working_days" in row.present:
        days = row.text("report_due_working_days") or "5"
        if not days.isdigit() or int(days) > MAX_DUE_DAYS:
            raise RowError(
                f"Report due is {days!r}: write a number of working days, 0 to {MAX_DUE_DAYS}."
            )
        values["report_due_working_days"] = int(days)
    return {k: v for k, v in values.items() if v is not None}


def partial_date(row, column):
    """(date, precision) as the cell and its precision column give them."""
    cell, said = row.cells.get(column), row.text(f"{column}_precision").lower()
    if said and said not in DatePrecision.values:
        raise RowError(f"{column.capitalize()} precision is {said!r}: write day, month or year.")
    try:
        if text(cell) and not isinstance(cell, str):
            day, precision = read_date(cell), DatePrecision.DAY
        else:
            day, precision = PartialDateField().clean(text(cell))
    except (ValueError, ValidationError):
        raise RowError(
            f"The {column} {text(cell)!r} is not a date: write 05/06/2011, June 2011 or 2013."
        ) from None
    precision = said or precision
    if day and precision != DatePrecision.DAY:
        day = day.replace(day=1, month=day.month if precision == DatePrecision.MONTH else 1)
    return day, precision if day else DatePrecision.DAY


def dates(row):
    values = {}
    for column in ("start", "end"):
        if column in row.present:
            values[column], values[f"{column}_precision"] = partial_date(row, column)
    if values.get("start") and values.get("end") and values["end"] < values["start"]:
        raise RowError("The end is before the start.")
    return values


class ProjectImporter(TableImporter):
    upload_key = "projects"
    HEADINGS = HEADINGS
    NEEDED = (("code",), ("name",), ("sponsor",))
    PARSERS = (code, texts, choices, dates)

    def identity(self, values):
        return values["code"].lower()

    def records(self):
        return Project.objects.all()

    def records_state(self):
        rows = [project_row(p) for p in projects_in_order()]
        return hashlib.sha256(json.dumps(rows, default=str).encode()).hexdigest()

    def parse(self, sheets):
        items = super().parse(sheets)
        self.people = People(active_only=False)
        self.pmo = set(User.objects.filter(groups__name=PMO).values_list("pk", flat=True))
        self.existing = {
            p.code.lower(): p
            for p in Project.objects.select_related("parent").prefetch_related("editors")
        }
        in_file = {row.values["code"].lower(): row.values["kind"] for row in items}
        for row in list(items):
            try:
                self.people_of(row)
                self.structure(row, in_file)
            except RowError as exc:
                self.problem("errors", row.sheet, row.number, row.ref, str(exc))
                items.remove(row)
        # Programmes first, so that the projects in them find them.
        return sorted(items, key=lambda row: row.values["kind"] != Project.Kind.PROGRAMME)

    def people_of(self, row):
        values, found = row.values, self.existing.get(row.values["code"].lower())
        for role in PEOPLE:
            if role in row.present:
                name = row.text(role)
                held = [getattr(found, f"{role}_id")] if found else []
                values[role] = self.person(name, role, held) if name else None
        if not values.get("sponsor"):
            raise RowError("Give the sponsor.")
        if values["sponsor"].pk in self.pmo:
            raise RowError(
                f"The sponsor {values['sponsor']} is in the PMO, which does "
                "everything but approve: name a sponsor outside it."
            )
        if "editors" in row.present:
            names = [n.strip() for n in row.text("editors").replace(",", ";").split(";")]
            held = [p.pk for p in found.editors.all()] if found else []
            values["editors"] = {self.person(n, "editor", held) for n in names if n}

    def person(self, name, role, held):
        """Who a cell names: someone here, or someone switched off who already has the role
        (a closed project's manager who has left exports, and imports again, unchanged)."""
        person = self.people.find(name, role)
        if not person.is_active and person.pk not in held:
            raise RowError(f"The {role} {person} is switched off: name someone who is here.")
        return person

    def structure(self, row, in_file):
        values, found = row.values, self.existing.get(row.values["code"].lower())
        if found and found.code != values["code"]:
            raise RowError(f"Highlight has this project as {found.code}: write its ID so.")
        row.values["project"] = found
        kind = values["kind"]
        manager = values.get("manager", found.manager if found else None)
        editors = values.get("editors", set(found.editors.all()) if found else set())
        if kind == Project.Kind.PROJECT and not manager:
            raise RowError("A project needs a manager (only a programme may have none).")
        if kind == Project.Kind.PROGRAMME and not (manager or editors):
            raise RowError("A programme without a manager needs an editor to write its reports.")
        was_programme = found and found.kind == Project.Kind.PROGRAMME
        if was_programme and kind == Project.Kind.PROJECT and (ties := found.programme_ties()):
            raise RowError(
                f"It is still a programme to {', '.join(ties)}: move or unlink them first."
            )
        if "parent" in row.present:
            values["parent"] = self.parent(row.text("parent"), values, in_file)
        elif kind == Project.Kind.PROGRAMME and found and found.parent_id:
            raise RowError(
                f"A programme cannot sit inside another programme: it is in "
                f"{found.parent.code}; give a Programme column, empty for it."
            )

    def parent(self, name, values, in_file):
        if not name:
            return None
        if values["kind"] == Project.Kind.PROGRAMME:
            raise RowError("A programme cannot sit inside another programme.")
        if name.lower() == values["code"].lower():
            raise RowError("A project cannot be its own programme.")
        found = self.existing.get(name.lower())
        kind = in_file.get(name.lower(), found.kind if found else None)
        if kind is None:
            raise RowError(f"The programme {name!r} is neither in Highlight nor in this file.")
        if kind != Project.Kind.PROGRAMME:
            raise RowError(f"{name} is a project, not a programme.")
        return name.lower()

    # --- Writing -------------------------------------------------------------------------

    def write(self, parsed, user):
        codes = {p.code.lower(): p for p in Project.objects.filter(kind=Project.Kind.PROGRAMME)}
        for row in parsed:
            values = dict(row.values)
            project, editors = values.pop("project"), values.pop("editors", None)
            values.pop("ref")
            if "parent" in values:
                values["parent"] = codes[values["parent"]] if values["parent"] else None
            if project is None:
                project = Project(**values)
                self.save(project, user)
                self.outcome.created += 1
                self.outcome.changes.append(("create", project.code, project.name))
                changed = []
            else:
                changed = [n for n, v in values.items() if getattr(project, n) != v]
                for name in changed:
                    setattr(project, name, values[name])
                if changed:
                    self.save(project, user)
            if editors is not None and editors != set(project.editors.all()):
                project.editors.set(editors)
                changed.append("editors")
            if project.kind == Project.Kind.PROGRAMME:
                codes[project.code.lower()] = project
            if row.values["project"] is not None:
                self.counted(project, changed)

    def counted(self, project, changed):
        if not changed:
            self.outcome.unchanged += 1
            return
        self.outcome.updated += 1
        self.outcome.changes.append(
            ("update", project.code, ", ".join(c.replace("_", " ") for c in changed))
        )

    @staticmethod
    def save(project, user):
        project.full_clean(exclude=["marking"], validate_unique=False)
        project._history_user = user
        project.save()


# --- The same layout, exported --------------------------------------------------------------

COLUMNS = (
    "Code",
    "Name",
    "Kind",
    "Programme",
    "Sponsor",
    "Manager",
    "Editors",
    "Director",
    "Start",
    "Start precision",
    "End",
    "End precision",
    "Cadence",
    "Status",
    "Reports go to",
    "Report due (working days)",
    "Distribution",
    "Area",
    "Benefits",
    "Objectives",
    "Approach",
)


def projects_in_order():
    return (
        Project.objects.select_related("parent", "sponsor", "manager", "director")
        .prefetch_related("editors")
        .order_by(Lower("code"))
    )


def named(person):
    return (person.email or person.username) if person else ""


def project_row(project):
    editors = sorted(named(p) for p in project.editors.all())
    return [
        project.code,
        project.name,
        project.get_kind_display(),
        project.parent.code if project.parent else "",
        named(project.sponsor),
        named(project.manager),
        "; ".join(editors),
        named(project.director),
        format_partial_date(project.start, project.start_precision),
        project.start_precision if project.start else "",
        format_partial_date(project.end, project.end_precision),
        project.end_precision if project.end else "",
        project.get_reporting_cadence_display().split(" (")[0],
        project.get_status_display(),
        project.governance_body,
        project.report_due_working_days,
        project.distribution,
        project.area,
        project.benefits,
        project.objectives,
        project.approach,
    ]

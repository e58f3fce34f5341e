"""Importing projects and programmes (issue 19): matched on their code, so re-importing
changes nothing; everyone a row names must be in Highlight already (an unknown sponsor is
an error row, not a new account); a bad file changes nothing; the export imports again."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from openpyxl import load_workbook

from projects.models import AuditEvent, HighlightReport, Project, User
from tests.imports import token_of, upload
from tests.onboarding import as_xlsx, run

HEADER = [
    "Code",
    "Name",
    "Kind",
    "Programme",
    "Sponsor",
    "Manager",
    "Editors",
    "Start",
    "End",
    "End precision",
    "Cadence",
    "Status",
    "Benefits",
]


@pytest.fixture
def rows(alice, bob, erin, charlie):
    return [
        HEADER,
        # A project before the programme it is in: the file's order does not matter.
        [
            "NP-01",
            "Library refurbishment",
            "Project",
            "NEWP",
            "Bob Baker",
            alice.email,
            f"{erin.username}; {charlie.email}",
            "01/05/2025",
            "31/03/2026",
            "",
            "Quarterly",
            "Active",
            "Saves £40k a year",
        ],
        [
            "NEWP",
            "Neighbourhoods programme",
            "Programme",
            "",
            bob.email,
            "",
            "erin",
            "April 2025",
            "2027",
            "year",
            "Monthly",
            "Active",
            "",
        ],
    ]


def stored():
    return sorted(
        (
            p.code,
            p.name,
            p.kind,
            p.parent_id and p.parent.code,
            p.sponsor.username,
            p.manager and p.manager.username,
            sorted(e.username for e in p.editors.all()),
            p.start,
            p.start_precision,
            p.end,
            p.end_precision,
            p.reporting_cadence,
            p.status,
            p.benefits,
        )
        for p in Project.objects.all()
    )


@pytest.mark.django_db
def test_the_command_imports_programmes_and_their_projects(tmp_path, rows):
    outcome = run("import_projects", tmp_path, rows, name="projects.xlsx")

    assert (outcome["created"], outcome["rows"], outcome["errors"]) == (2, 2, [])
    project = Project.objects.get(code="NP-01")
    assert (project.parent.code, project.sponsor.username, project.manager.username) == (
        "NEWP",
        "bob",
        "alice",
    )
    assert sorted(project.editors.values_list("username", flat=True)) == ["charlie", "erin"]
    assert (project.start, project.end) == (datetime.date(2025, 5, 1), datetime.date(2026, 3, 31))
    assert project.reporting_cadence == "quarterly" and project.benefits == "Saves £40k a year"
    programme = Project.objects.get(code="NEWP")
    assert (programme.kind, programme.manager) == ("programme", None)
    assert (programme.start_display, programme.end_display) == ("April 2025", "2027")
    assert project.history.last().history_type == "+"  # the oldest: its creation


@pytest.mark.django_db
def test_importing_the_same_file_again_changes_nothing(tmp_path, rows):
    run("import_projects", tmp_path, rows)
    before = stored()

    outcome = run("import_projects", tmp_path, rows)

    assert (outcome["created"], outcome["updated"], outcome["unchanged"]) == (0, 0, 2)
    assert stored() == before


@pytest.mark.django_db
def test_a_changed_sponsor_is_updated_and_recorded(tmp_path, rows, project, dave):
    rows[1][0], rows[1][4] = project.code, dave.email
    outcome = run("import_projects", tmp_path, rows)

    project.refresh_from_db()
    assert outcome["updated"] == 1 and project.sponsor == dave
    assert AuditEvent.objects.filter(kind="sponsor", object_id=str(project.pk)).exists()


def bad(rows, index, value):
    rows[1][index] = value
    return rows


BAD = [
    (lambda r: bad(r, 4, "nobody@example.org"), "is nobody in Highlight"),
    (lambda r: bad(r, 4, "pam"), "is in the PMO"),
    (lambda r: bad(r, 5, ""), "A project needs a manager"),
    (lambda r: bad(r, 3, "NOPE"), "is neither in Highlight nor in this file"),
    (lambda r: bad(r, 0, "bad code!"), "letters, digits, dots"),
    (lambda r: bad(r, 8, "01/01/2020"), "The end is before the start"),
    (lambda r: bad(r, 9, "week"), "write day, month or year"),
    (lambda r: bad(r, 10, "Fortnightly"), "write one of Monthly, Quarterly, As required"),
    (lambda r: bad(r, 7, "sometime"), "is not a date"),
    (lambda r: [*r, ["newp", "Again", "Project", "", "bob", "alice"]], "Also on"),
    (
        lambda r: [*r, ["NP-02", "Inside", "Programme", "NEWP", "bob", "alice"]],
        "A programme cannot sit inside another programme",
    ),
    (
        lambda r: [*r, ["NP-03", "Under a project", "Project", "NP-01", "bob", "alice"]],
        "NP-01 is a project, not a programme",
    ),
]


@pytest.mark.django_db
@pytest.mark.parametrize("spoil, message", BAD)
def test_a_bad_row_is_reported_and_nothing_is_imported(tmp_path, rows, pam, spoil, message):
    people = User.objects.count()
    with pytest.raises(CommandError):
        run("import_projects", tmp_path, spoil(rows))

    errors = run.last["errors"]
    assert len(errors) == 1 and message in errors[0]["message"], errors
    assert errors[0]["row"] in (2, 4) and errors[0]["sheet"] == "list.csv"
    assert not Project.objects.exists()
    assert User.objects.count() == people  # an unknown sponsor is not made up


@pytest.mark.django_db
def test_a_programme_with_projects_stays_one(tmp_path, rows):
    run("import_projects", tmp_path, rows)
    rows[2][2] = "Project"
    rows[2][5] = "alice"
    rows[1][3] = "NEWP"
    with pytest.raises(CommandError):
        run("import_projects", tmp_path, rows)
    messages = " ".join(e["message"] for e in run.last["errors"])
    assert "It is still a programme to 1 project" in messages
    assert Project.objects.get(code="NEWP").kind == "programme"


@pytest.mark.django_db
def test_the_pmo_page_previews_then_imports(client, pam, rows):
    client.force_login(pam)
    page = upload(client, reverse("projects:projects-import"), "projects.xlsx", as_xlsx(rows))
    text = page.content.decode()
    assert "2 new" in text and "NP-01" in text
    assert not Project.objects.exists()  # a preview writes nothing

    client.post(reverse("projects:projects-import-confirm"), {"token": token_of(page)})

    assert sorted(Project.objects.values_list("code", flat=True)) == ["NEWP", "NP-01"]
    assert AuditEvent.objects.filter(kind="import", actor=pam).exists()


@pytest.mark.django_db
def test_the_export_imports_again_unchanged(client, tmp_path, pam, rows, project):
    run("import_projects", tmp_path, rows)
    project.name = "+SUM(A1:A9)"  # exported inert, imported as it was
    project.save()
    before = stored()
    client.force_login(pam)
    book = load_workbook(io.BytesIO(client.get(reverse("projects:projects-export")).content))
    exported = [
        ["" if c is None else c for c in r] for r in book.active.iter_rows(values_only=True)
    ]
    assert exported[0][:4] == ["Code", "Name", "Kind", "Programme"]

    outcome = run("import_projects", tmp_path, exported, name="export.xlsx")

    assert (outcome["created"], outcome["updated"], outcome["unchanged"]) == (0, 0, 3), outcome
    assert stored() == before


@pytest.mark.django_db
@pytest.mark.parametrize("command", ["import_projects", "import_rag_history"])
def test_wrong_columns_or_not_a_spreadsheet_change_nothing(tmp_path, command, project):
    before = (Project.objects.count(), HighlightReport.objects.count())
    with pytest.raises(CommandError):
        run(command, tmp_path, [["Title", "Owner"], ["Something", "Someone"]])
    assert "No sheet has a header row naming" in run.last["errors"][0]["message"]
    path = tmp_path / "list.xlsx"
    path.write_bytes(b"PK\x03\x04 a zip that is not a workbook")
    with pytest.raises(CommandError, match="list.xlsx: "):
        call_command(command, str(path))
    assert (Project.objects.count(), HighlightReport.objects.count()) == before

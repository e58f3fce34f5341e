"""A project's RAID log imports from the layout its export writes, or from the spreadsheet
kept before Highlight (issue 20): references are kept, re-importing changes nothing, an
action finds an issue the same file adds, a bad row changes nothing, an edit made meanwhile
is not undone, and only those who keep the log import."""

import datetime
import io

import pytest
from django.core.management import CommandError
from django.urls import reverse
from openpyxl import load_workbook

from projects import raid
from projects.models import RaidItem
from projects.onboarding.raid import COLUMNS, RaidImporter
from tests.factories import ProjectFactory
from tests.imports import token_of, upload
from tests.onboarding import as_csv, as_xlsx, run

D = datetime.date
HEADER = ["Ref", "Kind", "Title", "Owner", "Raised", "Due", "Priority", "Status", "Issue",
          "Resolution", "Decided by", "Decided on", "For the board", "Depends on"]  # fmt: skip


@pytest.fixture
def rows(project, alice):
    ProjectFactory(code="DEPOT.1", name="Depot move")
    return [
        HEADER,
        ["I7", "Issue", "Roof leaks over the stacks", "alice", "04/03/2024", "", "High",
         "Open", "", "", "", "", "", ""],
        ["", "Action", "Get three quotes for the roof", "Alice Archer", D(2024, 3, 5),
         D(2024, 3, 29), "medium", "In progress", "I7", "", "", "", "", ""],
        ["D2", "", "Close the first floor during works", "", "05/03/2024", "01/05/2024",
         "Critical", "Closed", "", "Agreed at board", "Library board", "12/04/2024", "yes", ""],
        ["", "Dependency", "Depot vacated", "", "06/03/2024", "", "", "", "", "", "", "", "",
         "DEPOT.1"],
    ]  # fmt: skip


def stored():
    items = RaidItem.objects.select_related("owner", "issue", "depends_on")
    return sorted((i.ref, i.title, i.owner and i.owner.username, i.raised_on, i.due,
                   i.priority, i.status, i.issue and i.issue.ref, i.for_board, i.decided_by,
                   i.depends_on and i.depends_on.code) for i in items)  # fmt: skip


@pytest.mark.django_db
def test_the_command_keeps_references_and_importing_again_changes_nothing(tmp_path, rows,
                                                                          project):  # fmt: skip
    outcome = run("import_raid", tmp_path, rows, "--project", project.code, name="log.xlsx")
    assert (outcome["created"], outcome["errors"]) == (4, [])
    assert stored() == [
        ("A1", "Get three quotes for the roof", "alice", D(2024, 3, 5), D(2024, 3, 29), 2,
         "in_progress", "I7", False, "", None),
        ("D2", "Close the first floor during works", None, D(2024, 3, 5), D(2024, 5, 1), 4,
         "closed", None, True, "Library board", None),
        ("DEP1", "Depot vacated", None, D(2024, 3, 6), None, 2, "open", None, False, "",
         "DEPOT.1"),
        ("I7", "Roof leaks over the stacks", "alice", D(2024, 3, 4), None, 3, "open", None,
         False, "", None),
    ]  # fmt: skip
    again = run("import_raid", tmp_path, rows, "--project", project.code, name="log.xlsx")
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 4)
    # An item added in Highlight afterwards takes the next number of its kind.
    item = RaidItem(project=project, kind="issue", title="Lift out", raised_on=D(2024, 4, 1))
    assert raid.add(item, None).ref == "I8"


@pytest.mark.django_db
def test_a_later_file_updates_what_it_gives_and_leaves_other_columns(tmp_path, rows, project):
    run("import_raid", tmp_path, rows, "--project", project.code)
    later = [["Ref", "Title", "Status", "Resolution"],
             ["I7", "Roof leaks over the stacks", "Closed", "Roof patched"]]  # fmt: skip
    outcome = run("import_raid", tmp_path, later, "--project", project.code)
    assert (outcome["updated"], outcome["unchanged"]) == (1, 0)
    issue = RaidItem.objects.get(kind="issue", number=7)
    assert (issue.status, issue.resolution, issue.priority) == ("closed", "Roof patched", 3)
    assert issue.version == 2 and issue.owner.username == "alice"


@pytest.mark.django_db
@pytest.mark.parametrize("row, column, value, message", [
    (1, 0, "X9", "is not one Highlight gives"),
    (1, 1, "Action", "I7 is an issue's reference, not an action's"),
    (1, 2, "", "Give its title"),
    (1, 3, "nobody@example.org", "is nobody in Highlight"),
    (1, 4, "", "Give the date it was raised"),
    (1, 5, "01/01/2024", "cannot be due before it was raised"),
    (1, 6, "Urgent", "write one of Low, Medium, High, Critical"),
    (1, 7, "Closed", "say how it was resolved"),
    (2, 8, "I99", "has no issue I99"),
    (1, 12, "yes", "For the board is for a decision: this is an issue"),
    (3, 11, "", "A closed decision says who took it and when"),
    (4, 13, "TEST.1", "no other project has that code"),
    (4, 1, "", "Give its kind"),
])  # fmt: skip
def test_a_bad_row_changes_nothing(tmp_path, rows, project, row, column, value, message):
    rows[row][column] = value
    with pytest.raises(CommandError):
        run("import_raid", tmp_path, rows, "--project", project.code)
    assert any(message in e["message"] for e in run.last["errors"]), run.last["errors"]
    assert not RaidItem.objects.exists()


@pytest.mark.django_db
def test_two_items_of_a_kind_with_one_title_need_the_reference(tmp_path, project):
    for _ in range(2):
        raid.add(RaidItem(project=project, kind="action", title="Chase the surveyor",
                          raised_on=D(2024, 3, 1)), None)  # fmt: skip
    rows = [["Kind", "Title", "Status"], ["Action", "chase the SURVEYOR", "In progress"]]
    with pytest.raises(CommandError):
        run("import_raid", tmp_path, rows, "--project", project.code)
    assert "2 actions have this title (A1, A2)" in run.last["errors"][0]["message"]


@pytest.mark.django_db
def test_a_leaver_stays_the_owner_of_what_they_own_but_is_given_nothing_new(
    tmp_path, rows, project, alice
):
    run("import_raid", tmp_path, rows, "--project", project.code)
    alice.is_active = False
    alice.save()
    assert run("import_raid", tmp_path, rows, "--project", project.code)["unchanged"] == 4
    rows.append(["", "Action", "Another", "alice", "01/04/2024", "", "", "", "", "", "", "",
                 "", ""])  # fmt: skip
    with pytest.raises(CommandError):
        run("import_raid", tmp_path, rows, "--project", project.code)
    assert "is switched off" in run.last["errors"][0]["message"]


@pytest.mark.django_db
def test_an_edit_saved_after_the_file_was_read_refuses_the_import(rows, project):
    importer = RaidImporter(project)
    importer.read(as_csv(rows), "log.csv")
    RaidImporter(project).run(as_csv(rows), "log.csv")  # the log as the file has it
    importer = RaidImporter(project)
    later = [["Ref", "Title", "Priority"], ["I7", "Roof leaks over the stacks", "Low"]]
    parsed = importer.read(as_csv(later), "later.csv")
    issue = RaidItem.objects.get(kind="issue", number=7)
    issue.resolution, issue.version = "Surveyor booked", issue.version + 1
    issue.save()  # someone's edit, between the file being checked and written
    outcome = importer.write_checked(parsed)
    assert "Someone changed this item since the file was checked" in outcome.errors[0].message
    issue.refresh_from_db()
    assert (issue.priority, issue.resolution) == (3, "Surveyor booked")


@pytest.mark.django_db
def test_the_export_imports_again_through_the_page(client, tmp_path, rows, project, alice,
                                                   olive):  # fmt: skip
    run("import_raid", tmp_path, rows, "--project", project.code)
    before = stored()
    client.force_login(olive)  # anyone reads the log and its export, but imports nothing
    assert client.get(reverse("projects:raid-import", args=[project.code])).status_code == 403
    book = load_workbook(
        io.BytesIO(client.get(reverse("projects:raid-export", args=[project.code])).content)
    )
    exported = [
        ["" if c is None else c for c in r] for r in book.active.iter_rows(values_only=True)
    ]
    assert tuple(exported[0]) == COLUMNS
    RaidItem.objects.all().delete()  # into an empty log: the references come back
    client.force_login(alice)
    url = reverse("projects:raid-import", args=[project.code])
    page = upload(client, url, "log.xlsx", as_xlsx(exported))
    assert "4 new</strong>" in page.content.decode()
    client.post(reverse("projects:raid-import-confirm", args=[project.code]),
                {"token": token_of(page)})  # fmt: skip
    assert stored() == before
    again = upload(client, url, "log.xlsx", as_xlsx(exported))
    assert "0 new</strong>, <strong>0 changed</strong>, 4 unchanged" in again.content.decode()

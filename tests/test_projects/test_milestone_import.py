"""A project's milestones export to xlsx and import back from the same layout (issue 20):
re-importing changes nothing, an agreed baseline is never moved by a file, a bad row
changes nothing, and only those who keep the plan import."""

import datetime
import io

import pytest
from django.core.management import CommandError
from django.urls import reverse
from openpyxl import load_workbook

from projects.models import Milestone, Workstream
from tests.imports import token_of, upload
from tests.onboarding import as_xlsx, run

D = datetime.date
HEADER = ["Milestone", "Workstream", "Baseline", "Forecast", "Actual", "Status", "Key"]


@pytest.fixture
def rows(project):
    Workstream.objects.create(project=project, name="Building works")
    return [
        HEADER,
        ["Contract signed", "", D(2024, 3, 4), D(2024, 3, 18), "", "At risk", "yes"],
        ["Library reopens", "Building works", "02/09/2024", "02/09/2024", "", "On track", "no"],
    ]


def stored():
    return sorted(Milestone.objects.values_list("name", "workstream__name", "baseline", "forecast",
                                                "actual", "status", "key"))  # fmt: skip


@pytest.mark.django_db
def test_the_command_imports_and_importing_again_changes_nothing(tmp_path, rows, project):
    outcome = run("import_milestones", tmp_path, rows, "--project", project.code, name="m.xlsx")
    assert (outcome["created"], outcome["errors"]) == (2, [])
    assert stored() == [
        ("Contract signed", None, D(2024, 3, 4), D(2024, 3, 18), None, "at_risk", True),
        ("Library reopens", "Building works", D(2024, 9, 2), D(2024, 9, 2), None, "on_track",
         False),
    ]  # fmt: skip
    again = run("import_milestones", tmp_path, rows, "--project", project.code, name="m.xlsx")
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)


@pytest.mark.django_db
def test_an_agreed_baseline_is_never_moved_by_a_file(tmp_path, rows, project):
    run("import_milestones", tmp_path, rows, "--project", project.code)
    rows[1][2] = D(2024, 6, 3)
    rows[2][3] = "16/09/2024"  # a forecast may move
    with pytest.raises(CommandError):
        run("import_milestones", tmp_path, rows, "--project", project.code)
    assert "only the sponsor moves it" in run.last["errors"][0]["message"]
    assert Milestone.objects.get(name="Library reopens").forecast == D(2024, 9, 2)


@pytest.mark.django_db
@pytest.mark.parametrize("column, value, message", [
    (1, "Nowhere", "has no workstream 'Nowhere'"),
    (2, "sometime", "is not a date"),
    (5, "Done-ish", "write one of Not started"),
    (0, "", "Give the milestone's name"),
])  # fmt: skip
def test_a_bad_row_changes_nothing(tmp_path, rows, project, column, value, message):
    rows[2][column] = value
    with pytest.raises(CommandError):
        run("import_milestones", tmp_path, rows, "--project", project.code)
    assert message in run.last["errors"][0]["message"], run.last["errors"]
    assert not Milestone.objects.exists()


@pytest.mark.django_db
def test_the_export_imports_again_through_the_page(client, rows, project, alice, olive):
    client.force_login(alice)
    first = upload(client, reverse("projects:milestones-import", args=[project.code]), "m.xlsx",
                   as_xlsx(rows))  # fmt: skip
    client.post(reverse("projects:milestones-import-confirm", args=[project.code]),
                {"token": token_of(first)})  # fmt: skip
    before = stored()
    assert len(before) == 2
    client.force_login(olive)  # anyone reads the plan, and its export
    book = load_workbook(
        io.BytesIO(client.get(reverse("projects:milestones-export", args=[project.code])).content)
    )
    exported = [
        ["" if c is None else c for c in r] for r in book.active.iter_rows(values_only=True)
    ]
    assert client.get(reverse("projects:milestones-import", args=[project.code])).status_code \
        == 403  # fmt: skip
    client.force_login(alice)
    page = upload(client, reverse("projects:milestones-import", args=[project.code]), "e.xlsx",
                  as_xlsx(exported))  # fmt: skip
    assert "0 new</strong>, <strong>0 changed</strong>, 2 unchanged" in page.content.decode()
    assert stored() == before

"""The finance system's extract imports into each project's money (issue 20): matched on
the project (code or cost centre), financial year and kind; re-importing changes nothing;
figures for a month are marked as the finance system's; a bad row changes nothing; only the
PMO imports; the export imports again unchanged."""

import datetime
import io

import pytest
from django.core.management import CommandError
from django.urls import reverse
from openpyxl import load_workbook

from projects.models import FinanceLine, Organisation
from projects.onboarding.finance import FinanceImporter
from tests.factories import ProjectFactory
from tests.imports import token_of, upload
from tests.onboarding import as_csv, as_xlsx, run

D = datetime.date
HEADER = ["Project", "Cost centre", "Period", "Kind", "Budget", "Actual", "Forecast"]


@pytest.fixture
def other(project):
    return ProjectFactory(code="TEST.2", name="Depot move", cost_centre="CC-4410")


@pytest.fixture
def rows(project, other):
    return [
        HEADER,
        [project.code, "", "2026-09", "Capital", 250000, "120,000.50", 262500],
        ["", "cc-4410", "P6 2026-27", "revenue", "£40,000", "(1,000)", 39000.25],
    ]


def stored():
    columns = ("project__code", "year", "kind", "budget", "spent", "forecast",
               "from_finance_system")  # fmt: skip
    return sorted(FinanceLine.objects.values_list(*columns))


@pytest.mark.django_db
def test_the_command_imports_and_importing_again_changes_nothing(tmp_path, rows):
    outcome = run("import_finance", tmp_path, rows, name="ledger.xlsx")
    assert (outcome["created"], outcome["errors"]) == (2, [])
    assert stored() == [
        ("TEST.1", 2026, "capital", 25_000_000, 12_000_050, 26_250_000, D(2026, 9, 1)),
        ("TEST.2", 2026, "revenue", 4_000_000, -100_000, 3_900_025, D(2026, 9, 1)),
    ]
    again = run("import_finance", tmp_path, rows, name="ledger.xlsx")
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 2)


@pytest.mark.django_db
def test_a_later_extract_updates_the_figures_it_gives_and_leaves_blank_ones(tmp_path, rows,
                                                                            project):  # fmt: skip
    run("import_finance", tmp_path, rows)
    line = FinanceLine.objects.get(project=project)
    later = [
        ["Project", "Year", "Period", "Kind", "Budget", "Actual", "Forecast"],
        [project.code, "2026/27", 7, "Capital", "", 150000, ""],
    ]
    outcome = run("import_finance", tmp_path, later)
    assert (outcome["updated"], outcome["unchanged"]) == (1, 0)
    line.refresh_from_db()
    assert (line.budget, line.spent, line.forecast) == (25_000_000, 15_000_000, 26_250_000)
    assert line.from_finance_system == D(2026, 10, 1)
    assert line.version == 2
    assert line.history.first().history_user is None  # the command line: the operator


@pytest.mark.django_db
def test_a_calendar_financial_year_reads_a_plain_year(tmp_path, project, other):
    organisation = Organisation.current()
    organisation.financial_year_start = 1
    organisation.save()
    rows = [HEADER, [project.code, "", 2025, "Revenue", 100, 50, 100]]
    run("import_finance", tmp_path, rows)
    assert stored()[0][1:3] == (2025, "revenue")
    assert stored()[0][6] is None  # a year, not a month: not marked as the finance system's


@pytest.mark.django_db
@pytest.mark.parametrize("column, value, message", [
    (0, "NOPE.1", "No project has the code 'NOPE.1'"),
    (1, "CC-9999", "TEST.1's cost centre is not set, not 'CC-9999'"),
    (2, "sometime", "is not a month or a financial year"),
    (2, "2026-28", "is not a month or a financial year"),
    (2, "P13 2026-27", "is not a period of a financial year"),
    (2, "2099-01", "is still to come"),
    (2, "", "Give the period"),
    (3, "Both", "write Capital or Revenue"),
    (4, -5, "The budget is below zero"),
    (4, "12,50", "is not an amount in pounds"),
    (4, 12.345, "has part of a penny"),
    (4, "9" * 20, "is not an amount in pounds"),
    (5, "1e5", "is not an amount in pounds"),
])  # fmt: skip
def test_a_bad_row_changes_nothing(tmp_path, rows, column, value, message):
    rows[1][column] = value
    with pytest.raises(CommandError):
        run("import_finance", tmp_path, rows, name="ledger.xlsx")
    assert message in run.last["errors"][0]["message"], run.last["errors"]
    assert not FinanceLine.objects.exists()


@pytest.mark.django_db
def test_a_repeated_line_is_an_error_and_a_line_without_figures_is_not(tmp_path, rows,
                                                                       project):  # fmt: skip
    rows.append([project.code, "", "2026-08", "capital", 1, 1, 1])  # same year and kind
    with pytest.raises(CommandError):
        run("import_finance", tmp_path, rows)
    assert "Also on" in run.last["errors"][0]["message"], run.last["errors"]
    assert not FinanceLine.objects.exists()
    rows[-1] = ["TEST.2", "", "2026-27", "capital", "", "", ""]  # figures to come
    assert run("import_finance", tmp_path, rows)["created"] == 3


@pytest.mark.django_db
def test_figures_changed_without_a_month_are_no_longer_the_finance_systems(tmp_path, rows,
                                                                           project):  # fmt: skip
    run("import_finance", tmp_path, rows)
    rows[1][2], rows[1][5] = "2026-27", 130000
    run("import_finance", tmp_path, rows)
    line = FinanceLine.objects.get(project=project)
    assert (line.spent, line.from_finance_system) == (13_000_000, None)


@pytest.mark.django_db
def test_only_the_pmo_imports_and_the_export_imports_again(client, rows, alice, pam):
    url = reverse("projects:finance-import")
    client.force_login(alice)  # a project's manager keeps its money, not the extract
    assert client.get(url).status_code == 403
    assert client.get(reverse("projects:finance-export")).status_code == 403
    client.force_login(pam)
    first = upload(client, url, "ledger.xlsx", as_xlsx(rows))
    assert "2 new</strong>" in first.content.decode()
    assert not FinanceLine.objects.exists()  # a preview writes nothing
    client.post(reverse("projects:finance-import-confirm"), {"token": token_of(first)})
    before = stored()
    assert len(before) == 2
    book = load_workbook(io.BytesIO(client.get(reverse("projects:finance-export")).content))
    exported = [
        ["" if c is None else c for c in r] for r in book.active.iter_rows(values_only=True)
    ]
    assert exported[0] == HEADER
    assert exported[1][:4] == ["TEST.1", "", "2026-27", "Capital"]
    again = upload(client, url, "export.xlsx", as_xlsx(exported))
    assert "0 new</strong>, <strong>0 changed</strong>, 2 unchanged" in again.content.decode()
    client.post(reverse("projects:finance-import-confirm"), {"token": token_of(again)})
    assert stored() == before  # still marked as the finance system's for September


@pytest.mark.django_db
def test_the_money_page_says_where_the_figures_came_from(client, tmp_path, rows, project, alice):
    run("import_finance", tmp_path, rows)
    client.force_login(alice)
    page = client.get(reverse("projects:money", args=[project.code])).content.decode()
    assert "From the finance system for September 2026" in page
    assert "£262,500" in page


@pytest.mark.django_db
def test_the_preview_says_each_figure_before_and_after(tmp_path, rows, project):
    run("import_finance", tmp_path, rows)
    later = [HEADER, [project.code, "", "P7 2026-27", "Capital", 250000, 150000, ""],
             ["NOPE.1", "", "sometime", "Capital", 1, 1, 1]]  # fmt: skip
    outcome = FinanceImporter(Organisation.current()).run(as_csv(later), "later.csv",
                                                          dry_run=True)  # fmt: skip
    assert [(p.row, p.ref) for p in outcome.errors] == [(3, "NOPE.1")]
    del later[2]
    outcome = FinanceImporter(Organisation.current()).run(as_csv(later), "later.csv",
                                                          dry_run=True)  # fmt: skip
    assert outcome.changes == [("update", "TEST.1 2026-27 capital",
                                "Actual £120,001 → £150,000; the finance system's for "
                                "October 2026")]  # fmt: skip

"""Importing past RAG history (issue 19): each project-month an approved report marked
imported, so the previous RAG, the dashboard's trend and the on-time rate are right from
the first day; a report written in Highlight is never replaced; a bad file changes nothing;
re-importing changes nothing."""

import datetime
import io

import pytest
from django.core.management import CommandError
from django.urls import reverse
from openpyxl import load_workbook

from projects import reporting, schedule
from projects.models import HighlightReport, RagRating
from tests.factories import ReportFactory
from tests.imports import token_of, upload
from tests.onboarding import as_xlsx, run

HEADER = ["Project", "Month", "Dimension", "Status", "Comment", "Approved by", "Approved on",
          "Submitted on"]  # fmt: skip


@pytest.fixture
def rows(project, bob):
    # TEST.1 (monthly, reports due 5 working days after the month): January's on time,
    # February's late.
    return [
        HEADER,
        ["TEST.1", "2024-01", "Overall", "Green", "", "Bob Baker", "12/02/2024", "05/02/2024"],
        ["TEST.1", "2024-01", "Timeline", "Amber", "Planning slipped", bob.email,
         "12/02/2024", "05/02/2024"],
        ["TEST.1", "February 2024", "Overall", "Red", "Contractor went bust", "bob",
         "20/03/2024", "19/03/2024"],
    ]  # fmt: skip


def reports():
    return sorted(
        (r.project.code, r.period_start, r.status, r.imported, r.approved_by.username,
         r.approved_at.date(), sorted((x.dimension.name, x.status.name, x.comment)
                                      for x in r.ratings.all()))
        for r in HighlightReport.objects.all()
    )  # fmt: skip


@pytest.mark.django_db
def test_each_project_month_becomes_an_approved_imported_report(tmp_path, rows):
    outcome = run("import_rag_history", tmp_path, rows, name="history.xlsx")

    assert (outcome["created"], outcome["rows"], outcome["errors"]) == (2, 3, [])
    january = HighlightReport.objects.get(period_start=datetime.date(2024, 1, 1))
    assert (january.status, january.imported, january.period_end) == (
        "approved", True, datetime.date(2024, 1, 31))  # fmt: skip
    assert january.approved_by.username == "bob"
    assert january.approved_at.date() == datetime.date(2024, 2, 12)
    assert january.first_submitted_at.date() == datetime.date(2024, 2, 5)
    ratings = {r.dimension.name: (r.status.name, r.comment) for r in january.ratings.all()}
    assert ratings == {"Overall": ("Green", ""), "Timeline": ("Amber", "Planning slipped")}


@pytest.mark.django_db
def test_importing_the_same_file_again_changes_nothing(tmp_path, rows):
    run("import_rag_history", tmp_path, rows)
    before = reports()

    outcome = run("import_rag_history", tmp_path, rows)

    assert (outcome["created"], outcome["updated"], outcome["unchanged"]) == (0, 0, 2)
    assert reports() == before


@pytest.mark.django_db
def test_a_corrected_status_updates_the_imported_report(tmp_path, rows):
    run("import_rag_history", tmp_path, rows)
    rows[3][3] = "Amber"
    outcome = run("import_rag_history", tmp_path, rows)

    assert (outcome["updated"], outcome["unchanged"]) == (1, 1)
    february = HighlightReport.objects.get(period_start=datetime.date(2024, 2, 1))
    assert february.ratings.get().status.name == "Amber"


@pytest.mark.django_db
def test_the_imported_history_is_the_previous_rag_trend_and_on_time_rate(
    client, tmp_path, rows, project, alice
):
    run("import_rag_history", tmp_path, rows)
    march = ReportFactory(project=project, period_start=datetime.date(2024, 3, 1))

    previous = reporting.previous_ratings(march)
    assert {r.dimension.name: r.status.name for r in previous.values()} == {"Overall": "Red"}
    client.force_login(alice)
    page = client.get(reverse("projects:dashboard") + "?month=2024-02").content.decode()
    assert "Jan 2024 Green, Feb 2024 Red" in page
    record = schedule.punctuality(
        [project], datetime.date(2024, 1, 1), datetime.date(2024, 2, 29), datetime.date(2024, 6, 1)
    )
    assert (record[project.pk].on_time, record[project.pk].expected) == (1, 2)
    shown = client.get(reverse("projects:report-detail", args=["TEST.1", "2024-02"]))
    assert "as the PMO's records of the months before Highlight say" in shown.content.decode()


@pytest.mark.django_db
def test_a_report_written_in_highlight_is_never_replaced(tmp_path, rows, project):
    written = ReportFactory(project=project, period_start=datetime.date(2024, 2, 1), rated=True)
    before = list(RagRating.objects.filter(report=written).values_list("status", "comment"))
    with pytest.raises(CommandError):
        run("import_rag_history", tmp_path, rows)

    (error,) = run.last["errors"]
    assert "was written in Highlight: an import never replaces it" in error["message"]
    assert error["row"] == 4
    assert HighlightReport.objects.count() == 1
    assert list(RagRating.objects.filter(report=written).values_list("status", "comment")) \
        == before  # fmt: skip


def spoil(index, column, value):
    def change(rows):
        rows[index][column] = value
        return rows

    return change


BAD = [
    (spoil(1, 0, "NOPE"), "No project in Highlight has the code 'NOPE'"),
    (spoil(1, 2, "Morale"), "'Morale' is not a RAG dimension here"),
    (spoil(1, 3, "Purple"), "'Purple' is not a RAG status here"),
    (spoil(1, 5, "Someone Unknown"), "is nobody in Highlight"),
    (spoil(1, 6, ""), "Give the date it was approved"),
    (spoil(1, 6, "31/12/2023"), "is not between the month's start and today"),
    (spoil(1, 1, "sometime"), "is not a month"),
    (spoil(2, 6, "13/02/2024"), "one month's report has one approval"),
    (lambda rows: [*rows, list(rows[1])], "Also on"),
    (lambda rows: [*rows, ["TEST.1", "2999-01", "Overall", "Green", "", "bob", "", ""]],
     "has not ended"),
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize("change, message", BAD)
def test_a_bad_row_is_reported_and_nothing_is_imported(tmp_path, rows, change, message):
    with pytest.raises(CommandError):
        run("import_rag_history", tmp_path, change(rows))

    errors = run.last["errors"]
    assert len(errors) == 1 and message in errors[0]["message"], errors
    assert not HighlightReport.objects.exists() and not RagRating.objects.exists()


@pytest.mark.django_db
def test_the_pmo_page_previews_then_imports(client, pam, rows):
    client.force_login(pam)
    page = upload(client, reverse("projects:rag-history-import"), "h.xlsx", as_xlsx(rows))
    assert "2 new" in page.content.decode() and not HighlightReport.objects.exists()

    client.post(reverse("projects:rag-history-import-confirm"), {"token": token_of(page)})

    assert HighlightReport.objects.filter(imported=True).count() == 2


@pytest.mark.django_db
def test_the_export_imports_again_unchanged(client, tmp_path, pam, rows):
    run("import_rag_history", tmp_path, rows)
    before = reports()
    client.force_login(pam)
    book = load_workbook(io.BytesIO(client.get(reverse("projects:rag-history-export")).content))
    exported = [
        ["" if c is None else c for c in r] for r in book.active.iter_rows(values_only=True)
    ]
    assert len(exported) == 4

    outcome = run("import_rag_history", tmp_path, exported, name="export.xlsx")

    assert (outcome["created"], outcome["updated"], outcome["unchanged"]) == (0, 0, 2), outcome
    assert reports() == before

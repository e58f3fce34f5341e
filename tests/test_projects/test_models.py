import datetime

import pytest
from django.db import IntegrityError

from projects.models import (
    DatePrecision,
    HighlightReport,
    RagDimension,
    RagStatus,
    format_partial_date,
)
from projects.reporting import ReportExists, create_report
from tests.factories import ReportFactory


def test_reference_data_is_seeded_by_migrations(db):
    assert list(RagDimension.objects.values_list("name", flat=True)) == [
        "Overall",
        "Timeline",
        "Budget",
        "Issues & Risks",
    ]
    assert set(RagStatus.objects.values_list("name", flat=True)) == {
        "Red",
        "Amber",
        "Green",
        "Blue",
        "Grey",
    }
    assert RagStatus.objects.get(name="Blue").counts_as_complete


def test_new_report_has_an_unrated_line_per_dimension(project):
    report = create_report(project, datetime.date(2024, 5, 1))
    assert report.period_end == datetime.date(2024, 5, 31)
    assert [(r.dimension.name, r.status) for r in report.ratings.all()] == [
        ("Overall", None),
        ("Timeline", None),
        ("Budget", None),
        ("Issues & Risks", None),
    ]


def test_one_report_per_project_and_period(project):
    create_report(project, datetime.date(2024, 5, 1))
    with pytest.raises(ReportExists):
        create_report(project, datetime.date(2024, 5, 1))
    assert HighlightReport.objects.filter(project=project).count() == 1


def test_database_enforces_one_report_per_period(project):
    create_report(project, datetime.date(2024, 5, 1))
    with pytest.raises(IntegrityError):
        # Straight to the database, past create_report's overlap check (and so not through
        # ReportFactory, which uses it): the constraint itself is what this test is about.
        HighlightReport.objects.create(
            project=project,
            period_start=datetime.date(2024, 5, 1),
            period_end=datetime.date(2024, 5, 31),
        )


@pytest.mark.parametrize(
    "start, end, label",
    [
        (datetime.date(2011, 8, 1), datetime.date(2011, 8, 31), "August 2011"),
        (datetime.date(2024, 1, 1), datetime.date(2024, 5, 31), "January – May 2024"),
        (datetime.date(2023, 11, 1), datetime.date(2024, 2, 29), "November 2023 – February 2024"),
    ],
)
def test_period_label(project, start, end, label):
    report = ReportFactory(project=project, period_start=start, period_end=end)
    assert report.period_label == label


def test_dates_print_as_precisely_as_given():
    day = datetime.date(2011, 6, 15)
    assert format_partial_date(day, DatePrecision.DAY) == "15/06/2011"
    assert format_partial_date(day, DatePrecision.MONTH) == "June 2011"
    assert format_partial_date(day, DatePrecision.YEAR) == "2011"


def test_status_text_colour_contrasts_with_its_colour(db):
    assert RagStatus(colour="#00703c").text_colour == "#ffffff"
    assert RagStatus(colour="#ffdd00").text_colour == "#000000"


def test_person_prints_with_job_title_or_unit(bob, alice):
    assert bob.name_and_role == "Bob Baker, Director of Place"
    alice.job_title, alice.organisation_unit = "", "Business Strategy"
    assert alice.name_and_role == "Alice Archer, Business Strategy"


def test_report_periods_cannot_overlap(project):
    create_report(project, datetime.date(2024, 1, 1), datetime.date(2024, 5, 31))
    with pytest.raises(ReportExists, match="January – May 2024, which overlaps"):
        create_report(project, datetime.date(2024, 3, 1))
    create_report(project, datetime.date(2024, 6, 1))
    assert HighlightReport.objects.filter(project=project).count() == 2

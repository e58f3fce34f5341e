"""Key milestones in a highlight report (issue 20): shown with the forecast the last approved
report gave and how far it has moved since; frozen at approval, so a later change to the
plan changes neither the approved report's page nor its PDF."""

import datetime
import io

import pytest
from django.urls import reverse

from projects import workflow
from projects.models import Milestone
from reports.services import render_source
from tests.factories import ReportFactory, rate
from tests.pdf import pdf_text

D = datetime.date


@pytest.fixture
def plan(project):
    return [
        Milestone.objects.create(project=project, name="Contract signed", key=True,
                                 baseline=D(2024, 3, 4), forecast=D(2024, 3, 4)),
        Milestone.objects.create(project=project, name="Library reopens", key=True,
                                 baseline=D(2024, 9, 2), forecast=D(2024, 9, 2)),
        Milestone.objects.create(project=project, name="Internal check", key=False,
                                 baseline=D(2024, 5, 1), forecast=D(2024, 5, 1)),
    ]  # fmt: skip


def approved(project, month, alice, bob):
    report = ReportFactory(project=project, period_start=month)
    rate(report, Overall="Green")
    workflow.submit(report, alice)
    report.refresh_from_db()
    workflow.approve(report, bob)
    report.refresh_from_db()
    return report


@pytest.mark.django_db
def test_a_report_shows_key_milestones_beside_last_reports_forecast(client, project, plan,
                                                                    alice, bob):  # fmt: skip
    approved(project, D(2024, 2, 1), alice, bob)
    contract, reopening, _ = plan
    reopening.forecast = D(2024, 9, 16)  # two weeks later than February's report said
    reopening.save()
    march = ReportFactory(project=project, period_start=D(2024, 3, 1))
    client.force_login(alice)

    page = client.get(march.get_absolute_url()).content.decode()

    assert "Key milestones" in page and "Internal check" not in page  # key ones only
    assert "Forecast in February 2024" in page
    assert "02/09/2024" in page and "16/09/2024" in page
    assert "moved 10 working days later" in page
    assert "10 working days (2 weeks) late" in page


@pytest.mark.django_db
def test_approval_freezes_the_milestones_in_the_report_and_its_pdf(client, project, plan,
                                                                   alice, bob):  # fmt: skip
    report = approved(project, D(2024, 2, 1), alice, bob)
    reopening = plan[1]
    reopening.forecast = D(2025, 1, 6)  # the plan moves after approval
    reopening.save()

    client.force_login(bob)
    page = client.get(report.get_absolute_url()).content.decode()
    assert "02/09/2024" in page and "06/01/2025" not in page
    pdf, _, _ = render_source(
        "highlight_report", report, {"project": project.code, "period": report.period_slug}
    )
    text = pdf_text(pdf.content)
    assert "Key milestones" in text and "Library reopens" in text
    assert "06/01/2025" not in text
    # The next report measures its movement from what February's report said.
    march = ReportFactory(project=project, period_start=D(2024, 3, 1))
    page = client.get(march.get_absolute_url()).content.decode()
    assert "06/01/2025" in page and "moved" in page


@pytest.mark.django_db
def test_a_report_of_a_project_without_key_milestones_prints_no_section(client, project, alice,
                                                                        report):  # fmt: skip
    client.force_login(alice)
    assert "Key milestones" not in client.get(report.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_the_board_pack_lists_key_milestones_slipped_first(project, plan, alice, bob):
    from reports.kinds import get_kind
    from tests.factories import ProgrammeFactory
    from tests.pdf import pdf_body_text

    project.parent = ProgrammeFactory(code="PROG", manager=alice, sponsor=bob)
    project.save()
    plan[1].forecast = D(2024, 11, 4)  # Library reopens: nine weeks behind
    plan[1].save()
    approved(project, D(2024, 3, 1), alice, bob)
    plan[1].forecast = D(2025, 6, 2)  # after approval: the pack prints what was approved
    plan[1].save()
    params = {"programme": "PROG", "period": "2024-03"}
    pdf, _, _ = render_source("board_pack", get_kind("board_pack").resolve(params), params)
    text = f"{pdf_text(pdf.content)} {pdf_body_text(pdf.content)}"

    part = text[text.index("Key milestones The key milestones") :]
    assert part.index("Library reopens") < part.index("Contract signed")  # slipped first
    assert "45 working days (9 weeks) late" in part
    assert "02/06/2025" not in text and "Internal check" not in part
    # A page of its own, after the contents (not inside them).
    from pypdf import PdfReader

    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages]
    (own,) = [p for p in pages if "The key milestones in this month" in p]
    assert "Contents" not in own and "....." not in own


@pytest.mark.django_db
def test_the_dashboard_shows_and_filters_on_key_milestones_slipped(
    client, project, plan, other_project, alice, bob, charlie, dave, diana, pam
):
    from openpyxl import load_workbook

    plan[1].forecast = D(2024, 11, 4)  # nine weeks behind at approval
    plan[1].save()
    report = approved(project, D(2024, 3, 1), alice, bob)
    approved(other_project, D(2024, 3, 1), charlie, dave)  # no key milestones
    client.force_login(diana)
    url = reverse("projects:dashboard") + "?month=2024-03"
    page = client.get(url).content.decode()
    assert "9 weeks late" in page and "Key milestones" in page

    over_eight = client.get(url + "&slipped=8").content.decode()
    assert "TEST.1" in over_eight and "OTHER.2" not in over_eight
    over_ten = client.get(url + "&slipped=10").content.decode()
    assert "TEST.1" not in over_ten
    book = load_workbook(
        io.BytesIO(
            client.get(reverse("projects:dashboard-export") + "?month=2024-03&slipped=8").content
        )
    )
    cells = [c for row in book.active.iter_rows(values_only=True) for c in row]
    assert "Key milestones (furthest behind)" in cells and "9 weeks late" in cells
    # Reopened, the report is no longer approved as it was: nothing is claimed for it.
    workflow.reopen(report, pam, "The plan was wrong")
    report.refresh_from_db()
    assert report.key_milestones_slip_days is None


@pytest.mark.django_db
def test_the_milestones_page_says_how_far_a_forecast_moved_since_the_last_approval(
    client, project, plan, alice, bob
):
    approved(project, D(2024, 2, 1), alice, bob)
    plan[1].forecast = D(2024, 9, 16)
    plan[1].save()
    client.force_login(alice)
    page = client.get(reverse("projects:milestones", args=[project.code])).content.decode()
    assert "moved 10 working days later since the last approved report" in page
    assert page.count("since the last approved report") == 1  # the others have not moved


@pytest.mark.django_db
def test_a_first_report_has_no_column_for_a_forecast_nobody_gave(client, project, plan, alice):
    first = ReportFactory(project=project, period_start=D(2024, 2, 1))
    client.force_login(alice)
    page = client.get(first.get_absolute_url()).content.decode()
    assert "Library reopens" in page
    assert "Last forecast" not in page and "Forecast in" not in page
    pdf, _, _ = render_source(
        "highlight_report", first, {"project": project.code, "period": first.period_slug}
    )
    text = pdf_text(pdf.content)
    assert "Library reopens" in text and "Last forecast" not in text

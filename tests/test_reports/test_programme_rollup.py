"""A programme's report rolls up its projects' latest approved positions (issue 20): their
RAG as a matrix, key milestones behind their baseline, and money with the programme's
totals; approval freezes the roll-up with the report and its PDF."""

import datetime

import pytest

from projects import workflow
from projects.models import FinanceLine, Milestone, RaidItem
from reports.services import render_source
from tests.factories import ProgrammeFactory, ProjectFactory, ReportFactory, rate
from tests.pdf import pdf_text

D = datetime.date
FEBRUARY, MARCH = D(2024, 2, 1), D(2024, 3, 1)


def approve(report, manager, sponsor, **ratings):
    rate(report, **ratings)
    workflow.submit(report, manager)
    report.refresh_from_db()
    workflow.approve(report, sponsor)
    report.refresh_from_db()
    return report


@pytest.fixture
def programme(alice, bob, charlie, dave, erin):
    programme = ProgrammeFactory(code="PROG", name="Libraries Programme", manager=erin,
                                 sponsor=bob)  # fmt: skip
    library = ProjectFactory(code="LIB.1", name="Library Refurbishment", manager=alice,
                             sponsor=bob, parent=programme)  # fmt: skip
    depot = ProjectFactory(code="DEP.2", name="Depot Move", manager=charlie, sponsor=dave,
                           parent=programme)  # fmt: skip
    ProjectFactory(code="NEW.3", name="Mobile Library", manager=charlie, sponsor=dave,
                   parent=programme)  # no approved report yet  # fmt: skip
    FinanceLine.objects.create(project=library, year=2023, kind="capital", budget=200_000_00,
                               spent=150_000_00, forecast=230_000_00)  # fmt: skip
    FinanceLine.objects.create(project=depot, year=2023, kind="revenue",
                               budget=80_000_00, spent=40_000_00, forecast=78_000_00)  # fmt: skip
    RaidItem.objects.create(project=library, kind="issue", number=1, title="Asbestos found",
                            priority=4, raised_on=D(2024, 1, 8))  # fmt: skip
    RaidItem.objects.create(project=library, kind="issue", number=2, title="Minor snagging",
                            priority=1, raised_on=D(2024, 1, 8))  # fmt: skip
    RaidItem.objects.create(project=depot, kind="decision", number=1, for_board=True,
                            title="Sell the old depot", raised_on=D(2024, 1, 8),
                            due=D(2024, 5, 1))  # fmt: skip
    Milestone.objects.create(project=library, name="Scaffold down", key=True,
                             baseline=D(2024, 1, 8), forecast=D(2024, 1, 22),
                             actual=D(2024, 1, 22))  # met late: history  # fmt: skip
    Milestone.objects.create(project=library, name="Library reopens", key=True,
                             baseline=D(2024, 9, 2), forecast=D(2024, 11, 4))  # fmt: skip
    approve(ReportFactory(project=library, period_start=FEBRUARY, rated=True), alice, bob,
            Overall="Red", Timeline="Red", Budget="Red")  # fmt: skip
    approve(ReportFactory(project=depot, period_start=FEBRUARY, rated=True), charlie, dave,
            Overall="Amber", Timeline="Green", Budget="Green")  # fmt: skip
    return programme


@pytest.mark.django_db
def test_the_programme_report_rolls_up_its_projects_approved_positions(client, programme, erin):
    report = ReportFactory(project=programme, period_start=FEBRUARY, rated=True)
    client.force_login(erin)
    page = " ".join(client.get(report.get_absolute_url()).content.decode().split())

    assert "The programme's projects" in page
    assert "LIB.1</a> Library Refurbishment" in page and "No approved report" in page
    assert "Library reopens" in page and "45 working days (9 weeks) late" in page
    assert "Scaffold down" not in page  # met, if late: not behind any more
    # The totals are the sums of the projects' approved figures.
    assert "£280,000" in page and "£190,000" in page and "£308,000" in page
    assert "£28,000 over (10.0 %)" in page
    # Open high-priority issues and the board's decisions due, from the approved reports.
    assert "High-priority issues and decisions due" in page
    assert "Issue: Asbestos found" in page and "Minor snagging" not in page
    assert "Decision for the board: Sell the old depot" in page and "01/05/2024" in page


@pytest.mark.django_db
def test_approval_freezes_the_rollup_in_the_report_and_its_pdf(client, programme, alice, bob,
                                                               erin):  # fmt: skip
    report = ReportFactory(project=programme, period_start=FEBRUARY, rated=True)
    approve(report, erin, bob, Overall="Amber")
    # March: the library recovers; the approved programme report for February says what
    # February's approved reports said.
    library = programme.children.get(code="LIB.1")
    FinanceLine.objects.filter(project=library).update(forecast=200_000_00)
    approve(ReportFactory(project=library, period_start=MARCH, rated=True), alice, bob,
            Overall="Green", Timeline="Green", Budget="Green")  # fmt: skip

    params = {"project": "PROG", "period": "2024-02"}
    text = pdf_text(render_source("highlight_report", report, params)[0].content)
    assert "The programme's projects" in text and "Money across the programme" in text
    assert "LIB.1 Library Refurbishment £200,000 £150,000 £230,000 £30,000 over (15.0 %) Red" \
        in text  # fmt: skip
    assert "The programme in total £280,000 £190,000 £308,000 £28,000 over (10.0 %)" in text
    assert "Library reopens" in text

    # A programme report for March rolls up March's position instead.
    april = ReportFactory(project=programme, period_start=MARCH, rated=True)
    client.force_login(erin)
    page = " ".join(client.get(april.get_absolute_url()).content.decode().split())
    assert "£280,000" in page and "£278,000" in page and "£2,000 under" in page

"""The board pack's finance summary (issue 20), and each report in the pack printing its
own key milestones and money (not the pack's lists of everyone's)."""

import datetime
import io

import pytest
from pypdf import PdfReader

from projects import workflow
from projects.models import FinanceLine, Milestone
from reports.kinds import get_kind
from reports.services import render_source
from tests.factories import ProgrammeFactory, ProjectFactory, ReportFactory, rate
from tests.pdf import pdf_text

D = datetime.date
MARCH = D(2024, 3, 1)


def approved_with(project, manager, sponsor, budget, forecast, milestone):
    FinanceLine.objects.create(project=project, year=2023, kind=FinanceLine.Kind.REVENUE,
                               budget=budget, spent=budget // 2, forecast=forecast)  # fmt: skip
    Milestone.objects.create(project=project, name=milestone, key=True,
                             baseline=D(2024, 6, 3), forecast=D(2024, 6, 3))  # fmt: skip
    report = ReportFactory(project=project, period_start=MARCH, rated=True)
    rate(report, Overall="Red", Budget="Red", Timeline="Green")
    workflow.submit(report, manager)
    report.refresh_from_db()
    workflow.approve(report, sponsor)
    return report


@pytest.fixture
def pack(alice, bob, charlie, dave):
    programme = ProgrammeFactory(code="PROG", name="Libraries Programme", manager=alice,
                                 sponsor=bob)  # fmt: skip
    library = ProjectFactory(code="LIB.1", name="Library Refurbishment", manager=alice,
                             sponsor=bob, parent=programme)  # fmt: skip
    depot = ProjectFactory(code="DEP.2", name="Depot Move", manager=charlie, sponsor=dave,
                           parent=programme)  # fmt: skip
    approved_with(library, alice, bob, 100_000_00, 112_000_00, "Library reopens")
    approved_with(depot, charlie, dave, 50_000_00, 48_500_00, "Depot vacated")
    params = {"programme": "PROG", "period": "2024-03"}
    pdf, _, _ = render_source("board_pack", get_kind("board_pack").resolve(params), params)
    return pdf.content


@pytest.mark.django_db
def test_the_pack_has_a_finance_summary_by_programme_with_totals(pack):
    text = pdf_text(pack)
    part = text[text.index("Finance Each project's") : text.index("Key milestones The key")]
    assert "2023-24" in part and "Libraries Programme" in part
    assert "LIB.1 Library Refurbishment £100,000 £50,000 £112,000 £12,000 over (12.0 %) Red" in part
    assert "DEP.2 Depot Move £50,000 £25,000 £48,500 £1,500 under (3.0 %) Within" in part
    # The totals are the sums of what the approved reports gave.
    assert "All projects £150,000 £75,000 £160,500 £10,500 over (7.0 %)" in part
    assert "1 project is over budget beyond the PMO's tolerances" in part
    contents = next(page.extract_text() for page in PdfReader(io.BytesIO(pack)).pages
                    if page.extract_text().startswith("Contents"))  # fmt: skip
    assert "Finance ....." in contents


@pytest.mark.django_db
def test_each_report_in_the_pack_prints_only_its_own_milestones_and_money(pack):
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(pack)).pages]
    library = " ".join(p for p in pages if "Library Refurbishment" in p and "HIGHLIGHT REPORT" in p
                       and "Depot Move" not in p)  # fmt: skip
    depot = " ".join(p for p in pages if "Depot Move" in p and "HIGHLIGHT REPORT" in p
                     and "Library Refurbishment" not in p)  # fmt: skip
    assert "Library reopens" in library and "Depot vacated" not in library
    assert "Depot vacated" in depot and "Library reopens" not in depot
    assert "£112,000" in library and "£48,500" not in library


def test_a_variance_breaks_only_before_its_percentage():
    from projects.templatetags.highlight import bracket_on_its_own

    assert bracket_on_its_own("£1,500 under (0.3 %)") == (
        '<span class="nowrap">£1,500 under</span> <span class="nowrap">(0.3 %)</span>'
    )
    assert bracket_on_its_own("On budget <b>") == '<span class="nowrap">On budget &lt;b&gt;</span>'

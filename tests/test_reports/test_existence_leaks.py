"""Issue 17, finding 6: asking the documents page for a document of a report one may not
read said "You may not read what that document would print", and of a month with no report
"has no report": the difference told an outsider that a draft exists. Whatever one may not
read now answers exactly as what does not exist, as a 404 would (DESIGN.md)."""

import datetime
import re

import pytest

from businessplan.models import BusinessPlan
from reports.models import Document
from risks.models import RiskMatrix, RiskRegister
from tests.factories import BusinessPlanFactory, ReportFactory, RiskRegisterFactory


def answer(client, data):
    """The documents page after asking, without what differs between any two requests."""
    page = client.post("/documents/", data).content.decode()
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def hidden_then_missing(client, data, remove):
    """The page when what is asked for exists but is hidden, then once it is gone."""
    hidden = answer(client, data)
    remove()
    return hidden, answer(client, data)


@pytest.mark.parametrize("month", ["2024-03", "2024-05"])  # its first month, and one inside it
def test_a_draft_one_may_not_read_answers_as_no_report(client_for, project, charlie, month):
    # A five-month report: a month inside it names it too.
    draft = ReportFactory(
        project=project,
        period_start=datetime.date(2024, 3, 1),
        period_end=datetime.date(2024, 7, 31),
    )
    data = {"kind": "highlight_report", "project": "TEST.1", "period": month}
    hidden, missing = hidden_then_missing(client_for(charlie), data, draft.delete)
    assert hidden == missing
    month_name = datetime.date.fromisoformat(f"{month}-01").strftime("%B %Y")
    assert f"TEST.1 has no report for {month_name}." in missing
    assert "may not read" not in hidden
    assert not Document.objects.exists()


def test_the_team_is_still_told_the_draft_is_theirs_to_print(client_for, project, erin):
    ReportFactory(project=project, period_start=datetime.date(2024, 3, 1))
    data = {"kind": "highlight_report", "project": "TEST.1", "period": "2024-03"}
    response = client_for(erin).post("/documents/", data, follow=True)
    assert "Highlight report TEST.1 March 2024 requested." in response.content.decode()


def test_a_register_one_may_not_read_answers_as_no_register(client_for, charlie, alice):
    RiskRegisterFactory(
        name="Corporate risks", matrix=RiskMatrix.objects.get(name="5x5"), owner=alice
    )
    data = {"kind": "risk_register", "register": "corporate-risks"}
    hidden, missing = hidden_then_missing(
        client_for(charlie), data, RiskRegister.objects.all().delete
    )
    assert hidden == missing and "corporate-risks" in missing


def test_a_draft_plan_answers_as_no_plan(client_for, charlie):
    BusinessPlanFactory(title="Plan 2020-21", year="2020-21", status="draft")
    data = {"kind": "business_plan", "plan": "2020-21"}
    hidden, missing = hidden_then_missing(
        client_for(charlie), data, BusinessPlan.objects.all().delete
    )
    assert hidden == missing and "2020-21" in missing


ASKED = {
    "highlight_report": {"project": "TEST.1", "period": "2024-03"},
    "risk_register": {"register": "Corporate risks"},
    "business_plan": {"plan": "Plan 2020-21"},
}


def refusals(user):
    from reports.kinds import SourceMissing
    from reports.services import request_document

    said = {}
    for kind, params in ASKED.items():
        with pytest.raises(SourceMissing) as refused:
            request_document(kind, params, user)
        said[kind] = str(refused.value)
    return said


def test_the_service_itself_answers_as_missing(charlie, project):
    """Below the page's choice lists (which already leave out what one may not read): the
    service every caller goes through answers the same way."""
    sources = [
        ReportFactory(project=project, period_start=datetime.date(2024, 3, 1)),
        BusinessPlanFactory(title="Plan 2020-21", year="2020-21", status="draft"),
        RiskRegisterFactory(name="Corporate risks", matrix=RiskMatrix.objects.get(name="5x5")),
    ]
    hidden = refusals(charlie)
    for source in sources:
        source.delete()
    assert hidden == refusals(charlie)
    assert hidden["highlight_report"] == "TEST.1 has no report for March 2024."

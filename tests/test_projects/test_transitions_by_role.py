"""Every workflow step by every role, through the pages (DESIGN.md's table)."""

import pytest
from django.urls import reverse

from projects import workflow
from projects.models import HighlightReport

Status = HighlightReport.Status
OK, FORBIDDEN, HIDDEN = 302, 403, 404

# step: (state the report is in, expected response per persona, state after success)
MATRIX = {
    "submit": ("draft", {"alice": OK, "pam": OK, "erin": FORBIDDEN, "bob": FORBIDDEN,
                         "diana": FORBIDDEN, "charlie": HIDDEN, "olive": HIDDEN}, "submitted"),
    "withdraw": ("submitted", {"alice": OK, "pam": OK, "erin": FORBIDDEN, "bob": FORBIDDEN,
                               "diana": FORBIDDEN, "charlie": HIDDEN, "olive": HIDDEN}, "draft"),
    "approve": ("submitted", {"bob": OK, "alice": FORBIDDEN, "pam": FORBIDDEN,
                              "erin": FORBIDDEN, "diana": FORBIDDEN, "charlie": HIDDEN,
                              "olive": HIDDEN}, "approved"),
    "return": ("submitted", {"bob": OK, "alice": FORBIDDEN, "pam": FORBIDDEN,
                             "erin": FORBIDDEN, "diana": FORBIDDEN, "charlie": HIDDEN,
                             "olive": HIDDEN}, "returned"),
    "reopen": ("approved", {"pam": OK, "alice": FORBIDDEN, "bob": FORBIDDEN,
                            "erin": FORBIDDEN, "diana": FORBIDDEN, "charlie": FORBIDDEN,
                            "olive": FORBIDDEN}, "draft"),
}  # fmt: skip
CASES = [
    (step, persona, expected)
    for step, (_, outcomes, _) in MATRIX.items()
    for persona, expected in outcomes.items()
]


def bring_to(report, state, alice, bob):
    if state in ("submitted", "approved"):
        workflow.submit(report, alice)
    if state == "approved":
        workflow.approve(report, bob)
    return report


@pytest.mark.parametrize("step, persona, expected", CASES)
def test_step_by_role(
    request, client_for, report, alice, bob, erin, pam, diana, charlie, olive, step, persona,
    expected,
):  # fmt: skip
    start, _, after = MATRIX[step]
    bring_to(report, start, alice, bob)
    version = report.version
    response = client_for(request.getfixturevalue(persona)).post(
        reverse(f"projects:report-{step}", args=[report.project.code, report.period_slug]),
        {"comment": "A reason", "version": version},
    )
    assert response.status_code == expected
    report.refresh_from_db()
    if expected == OK:
        assert report.status == after
        assert report.version == version + 1
    else:
        assert report.status == start and report.version == version

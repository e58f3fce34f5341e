"""A Red or Amber line, or one that changed since the last approved report, says why."""

import datetime

import pytest

from projects import workflow
from projects.models import RagStatus
from tests.factories import RagStatusFactory, ReportFactory, rate
from tests.test_projects.test_report_form import edit_url, form_data


def status(name):
    return RagStatus.objects.get(name=name).pk


@pytest.mark.parametrize("name", ["Red", "Amber"])
def test_red_and_amber_need_a_comment(client_for, report, alice, name):
    response = client_for(alice).post(
        edit_url(report),
        form_data(
            report, **{"ratings-0-status": status(name), "ratings-0-comment": ""}
        ),  # fmt: skip
    )
    assert response.status_code == 200
    assert f"A comment is needed here: say why it is {name}." in response.content.decode()
    report.refresh_from_db()
    assert report.version == 1


def test_green_unchanged_needs_no_comment(client_for, report, alice):
    data = form_data(report, **{"ratings-0-status": status("Green"), "ratings-0-comment": ""})
    assert client_for(alice).post(edit_url(report), data).status_code == 302


def test_a_status_the_pmo_adds_can_require_a_comment(client_for, report, alice):
    amber_red = RagStatusFactory(name="Amber/Red", requires_comment=True)
    response = client_for(alice).post(
        edit_url(report),
        form_data(report, **{"ratings-0-status": amber_red.pk, "ratings-0-comment": ""}),
    )
    assert "say why it is Amber/Red" in response.content.decode()


def test_a_change_since_last_period_needs_a_comment(client_for, project, alice, bob):
    january = ReportFactory(project=project, period_start=datetime.date(2024, 1, 1))
    rate(january, Timeline="Green")
    workflow.submit(january, alice)
    workflow.approve(january, bob)
    february = ReportFactory(project=project, period_start=datetime.date(2024, 2, 1))
    timeline = february.ratings.get(dimension__name="Timeline")
    index = list(february.ratings.all()).index(timeline)
    response = client_for(alice).post(
        edit_url(february),
        form_data(
            february, **{f"ratings-{index}-status": status("Blue"), f"ratings-{index}-comment": ""}
        ),  # fmt: skip
    )
    assert "say why it changed from Green to Blue" in response.content.decode()


def test_submit_refuses_unexplained_lines(report, alice):
    rate(report, Overall="Red")
    report.ratings.filter(dimension__name="Overall").update(comment="")
    with pytest.raises(workflow.TransitionNotAllowed, match="Overall: say why it is Red"):
        workflow.submit(report, alice)
    report.refresh_from_db()
    assert report.status == "draft"


def test_the_report_page_warns_of_what_submitting_would_refuse(client_for, report, alice):
    rate(report, Overall="Red", Timeline="Green")
    report.ratings.update(comment="")  # Green and unchanged needs none
    page = client_for(alice).get(report.get_absolute_url()).content.decode()
    assert "Before this report can be submitted," in page
    assert "Overall: say why it is Red" in page and "Timeline:" not in page


def test_rate_helper_comments_keep_submissions_valid(report, alice):
    rate(report, Overall="Red")
    assert workflow.submit(report, alice).status == "submitted"

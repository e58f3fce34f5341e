"""Milestones (issue 20, first part): slippage in working days and weeks against the agreed
baseline; the plan kept by whoever writes the reports; a baseline moved only by the
sponsor (or their deputy), with its reason kept."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from projects import milestones
from projects.models import Deputy, Milestone, Rebaseline, Workstream

D = datetime.date


@pytest.mark.parametrize(
    "start, end, expected",
    [
        (D(2024, 12, 23), D(2024, 12, 27), 2),  # Christmas and Boxing Day do not count
        (D(2024, 12, 27), D(2024, 12, 23), -2),
        (D(2024, 3, 1), D(2024, 3, 4), 1),  # a weekend
        (D(2024, 3, 4), D(2024, 3, 4), 0),
        (D(2023, 12, 29), D(2024, 1, 2), 1),  # across a year, New Year's Day off
    ],
)
def test_working_days_between(start, end, expected):
    assert milestones.working_days_between(start, end) == expected


def test_slippage_is_the_actual_else_the_forecast_against_the_baseline():
    milestone = Milestone(baseline=D(2024, 3, 4), forecast=D(2024, 3, 18))
    slip = milestones.slippage(milestone)
    assert (slip.working_days, slip.weeks, slip.against, slip.late) == (10, 2.0, "forecast", True)
    assert str(slip) == "10 working days (2 weeks) late"
    milestone.actual = D(2024, 3, 1)
    slip = milestones.slippage(milestone)
    assert (slip.working_days, slip.against, slip.late) == (-1, "actual", False)
    assert str(slip) == "1 working day (0.4 weeks) early"
    assert milestones.slippage(Milestone(forecast=D(2024, 3, 1))) is None  # no baseline
    assert milestones.slippage(Milestone(baseline=D(2024, 3, 1))) is None  # nothing to hold
    assert str(milestones.slippage(Milestone(baseline=D(2024, 3, 1), forecast=D(2024, 3, 1)))) \
        == "on its baseline"  # fmt: skip


def formset_data(project, rows):
    """The edit page's POST: `rows` are dicts of fields, existing ones with their id."""
    existing = [r for r in rows if r.get("id")]
    data = {"milestones-TOTAL_FORMS": str(len(rows)),
            "milestones-INITIAL_FORMS": str(len(existing)),
            "milestones-MIN_NUM_FORMS": "0", "milestones-MAX_NUM_FORMS": "1000"}  # fmt: skip
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"milestones-{index}-{name}"] = value
    return data


def row_of(milestone, **changes):
    values = {
        "id": milestone.pk, "version": milestone.version, "name": milestone.name,
        "workstream": milestone.workstream_id or "", "order": milestone.order,
        "baseline": milestone.baseline or "", "forecast": milestone.forecast or "",
        "actual": milestone.actual or "", "status": milestone.status,
        **({"key": "on"} if milestone.key else {}),
    }  # fmt: skip
    return {**values, **changes}


@pytest.fixture
def plan(project):
    return Milestone.objects.create(project=project, name="Contract signed", baseline=D(2024, 3, 4),
                                    forecast=D(2024, 3, 4), key=True)  # fmt: skip


@pytest.mark.django_db
def test_the_manager_adds_milestones_and_sets_a_baseline_once(client, project, alice, plan):
    client.force_login(alice)
    new = {"name": "Library reopens", "baseline": "2024-09-02", "forecast": "2024-09-16",
           "status": "on_track", "order": "2", "key": "on"}  # fmt: skip
    moved = row_of(plan, baseline="2030-01-01", forecast="2024-03-18")
    response = client.post(reverse("projects:milestones-edit", args=[project.code]),
                           formset_data(project, [moved, new]))  # fmt: skip
    assert response.status_code == 302

    plan.refresh_from_db()
    assert plan.baseline == D(2024, 3, 4)  # agreed: the form cannot move it
    assert plan.forecast == D(2024, 3, 18) and plan.version == 2
    added = Milestone.objects.get(name="Library reopens")
    assert (added.baseline, added.key) == (D(2024, 9, 2), True)
    assert added.history.first().history_user == alice
    page = client.get(reverse("projects:milestones", args=[project.code])).content.decode()
    assert "10 working days (2 weeks) late" in page  # 4 → 18 March
    assert "2 weeks) late" in page and "Library reopens" in page


@pytest.mark.django_db
def test_a_change_made_meanwhile_is_not_overwritten(client, project, alice, plan):
    stale = row_of(plan, forecast="2024-04-01")
    plan.forecast, plan.version = D(2024, 3, 25), plan.version + 1
    plan.save()
    client.force_login(alice)
    response = client.post(reverse("projects:milestones-edit", args=[project.code]),
                           formset_data(project, [stale]))  # fmt: skip
    assert "Someone else changed this milestone" in response.content.decode()
    plan.refresh_from_db()
    assert plan.forecast == D(2024, 3, 25)


@pytest.mark.django_db
def test_a_workstream_of_another_project_is_refused(client, project, other_project, alice):
    theirs = Workstream.objects.create(project=other_project, name="Depot works")
    client.force_login(alice)
    row = {"name": "Borrowed", "workstream": theirs.pk, "status": "not_started", "order": "0"}
    response = client.post(reverse("projects:milestones-edit", args=[project.code]),
                           formset_data(project, [row]))  # fmt: skip
    assert response.status_code == 200 and not Milestone.objects.exists()
    assert "Select a valid choice" in response.content.decode()


@pytest.mark.django_db
def test_only_the_team_and_the_pmo_edit_everyone_reads(client, project, plan, alice, erin, pam,
                                                        bob, olive, diana):  # fmt: skip
    edit = reverse("projects:milestones-edit", args=[project.code])
    for person, status in ((alice, 200), (erin, 200), (pam, 200), (bob, 403), (olive, 403),
                           (diana, 403)):  # fmt: skip
        client.force_login(person)
        assert client.get(edit).status_code == status, person
        page = client.get(reverse("projects:milestones", args=[project.code]))
        assert "Contract signed" in page.content.decode()


@pytest.mark.django_db
def test_the_sponsor_re_baselines_with_a_reason_kept(client, project, plan, bob):
    url = reverse("projects:milestone-rebaseline", args=[project.code, plan.pk])
    client.force_login(bob)
    refused = client.post(url, {"new_baseline": "2024-04-01", "reason": "  "})
    assert refused.status_code == 200 and not Rebaseline.objects.exists()

    client.post(url, {"new_baseline": "2024-04-01", "reason": "Legal review took a month."})

    plan.refresh_from_db()
    change = Rebaseline.objects.get()
    assert plan.baseline == D(2024, 4, 1)
    assert (change.old_baseline, change.new_baseline, change.agreed_by, change.agreed_for) == (
        D(2024, 3, 4), D(2024, 4, 1), bob, None)  # fmt: skip
    assert plan.history.first().history_user == bob
    page = client.get(reverse("projects:milestones", args=[project.code])).content.decode()
    assert "04/03/2024 to 01/04/2024, agreed by Bob Baker" in page
    assert "Legal review took a month." in page


@pytest.mark.django_db
def test_nobody_but_the_sponsor_or_their_deputy_re_baselines(client, project, plan, alice, pam,
                                                              diana, olive, bob):  # fmt: skip
    url = reverse("projects:milestone-rebaseline", args=[project.code, plan.pk])
    for person in (alice, pam, diana, olive):
        client.force_login(person)
        assert client.post(url, {"new_baseline": "2024-05-01", "reason": "x"}).status_code == 403
        with pytest.raises(PermissionDenied):
            milestones.rebaseline(plan, D(2024, 5, 1), "x", person)
    today = datetime.date.today()
    Deputy.objects.create(person=bob, deputy=olive, starts=today, ends=today)
    olive = type(olive).objects.get(pk=olive.pk)  # as the next request reads her
    change = milestones.rebaseline(plan, D(2024, 5, 1), "Agreed by the board", olive)
    assert (change.agreed_by, change.agreed_for) == (olive, bob)
    with pytest.raises(ValidationError):  # moving it where it is says nothing
        milestones.rebaseline(plan, D(2024, 5, 1), "Again", bob)

"""A quarterly update of an activity (businessplan.activities.record_update): it becomes the
activity's status and comment, and an update from a form opened before someone else's is
refused without writing anything."""

import pytest
from django.urls import reverse

from businessplan.activities import StaleActivity, record_update
from businessplan.forms import UpdateForm
from businessplan.models import Activity, OwnerRole
from tests.factories import ActivityFactory


@pytest.fixture
def activity(db):
    return ActivityFactory(status="not_started", comment="Planned")


def update_form(version, status, comment, quarter=1):
    form = UpdateForm(
        {"version": version, "quarter": quarter, "status": status, "comment": comment}
    )
    assert form.is_valid(), form.errors
    return form


def test_an_update_becomes_the_activitys_status_and_comment(activity, alice):
    form = update_form(activity.version, "slippage", "Staff shortage", quarter=2)
    update = record_update(activity, form, alice, form.cleaned_data["version"])
    stored = Activity.objects.get(pk=activity.pk)
    assert (stored.status, stored.comment, stored.version) == ("slippage", "Staff shortage", 2)
    assert (update.activity, update.updated_by, update.quarter) == (stored, alice, 2)
    assert stored.history.first().history_user == alice


def test_an_update_from_a_stale_form_writes_nothing(activity, alice, bob):
    opened = activity.version  # both open the form on the same version
    record_update(activity, update_form(opened, "on_target", "First"), alice, opened)
    with pytest.raises(StaleActivity):
        record_update(activity, update_form(opened, "slippage", "Second"), bob, opened)
    stored = Activity.objects.get(pk=activity.pk)
    assert (stored.status, stored.comment, stored.version) == ("on_target", "First", opened + 1)
    assert list(stored.updates.values_list("comment", flat=True)) == ["First"]


def test_only_the_owner_role_updates_an_activity(client_for, plan, imported, alice, bob, pam):
    OwnerRole.objects.get(name="Dir - C&I").users.add(alice)
    activity = Activity.objects.get(section__name="C&I", ref="1")
    url = reverse("businessplan:activity-update", args=["2019-20", activity.section.slug, "1"])
    assert client_for(bob).get(url).status_code == 403
    assert client_for(pam).get(url).status_code == 200
    response = client_for(alice).post(
        url,
        {
            "version": activity.version,
            "quarter": 2,
            "status": "slippage",
            "comment": "Staff shortage",
        },
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert (activity.status, activity.comment) == ("slippage", "Staff shortage")
    page = client_for(bob).get(activity.get_absolute_url()).content.decode()
    assert "Q2 · Slippage" in page and "Staff shortage" in page


def test_a_stale_update_can_be_saved_again_after_reading_the_latest(
    client_for, plan, imported, alice
):
    OwnerRole.objects.get(name="Dir - C&I").users.add(alice)
    activity = Activity.objects.get(section__name="C&I", ref="1")
    url = reverse("businessplan:activity-update", args=["2019-20", activity.section.slug, "1"])
    client = client_for(alice)
    first = {"version": activity.version, "quarter": 1, "status": "on_target", "comment": "A"}
    assert client.post(url, first).status_code == 302
    stale = client.post(url, {**first, "quarter": 2, "comment": "B"})
    assert stale.status_code == 409 and "Latest update: <strong>Q1" in stale.content.decode()
    again = client.post(
        url,
        {
            **first,
            "version": stale.context["form"]["version"].value(),
            "quarter": 2,
            "comment": "B",
        },
    )
    assert again.status_code == 302
    assert Activity.objects.get(pk=activity.pk).comment == "B"

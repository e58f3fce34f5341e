import pytest
from django.urls import reverse

from projects.models import DatePrecision, Project
from tests.factories import WorkstreamFactory, marking


def seen(client, url):
    """The digest of the project as the edit page showed it (SeenVersion)."""
    return client.get(url).context["form"]["seen"].value()


def form(project=None, **changes):
    data = {
        "code": "NEW.1",
        "name": "Leisure centre",
        "kind": "project",
        "status": "active",
        "reporting_cadence": "monthly",
        "report_due_working_days": 5,
        "governance_body": "the board",
        "start_text": "June 2011",
        "end_text": "2013",
        "workstreams-TOTAL_FORMS": 2,
        "workstreams-INITIAL_FORMS": 0,
        "workstreams-0-name": "Building",
        "workstreams-0-order": 0,
        "workstreams-1-order": 0,
    }
    data.update(changes)
    return data


def test_pmo_creates_a_project_with_dates_as_precise_as_known(client_for, pam, alice, bob):
    response = client_for(pam).post(
        reverse("projects:project-create"), form(sponsor=bob.pk, manager=alice.pk)
    )
    assert response.status_code == 302
    project = Project.objects.get(code="NEW.1")
    assert (project.start_precision, project.end_precision) == (
        DatePrecision.MONTH,
        DatePrecision.YEAR,
    )
    assert (project.start_display, project.end_display) == ("June 2011", "2013")
    assert list(project.workstreams.values_list("name", flat=True)) == ["Building"]
    page = client_for(pam).get(project.get_absolute_url()).content.decode()
    assert "June 2011 to 2013" in page


def test_bad_dates_are_explained_and_nothing_is_saved(client_for, pam, alice, bob):
    response = client_for(pam).post(
        reverse("projects:project-create"),
        form(sponsor=bob.pk, manager=alice.pk, start_text="sometime soon"),
    )
    assert "Enter a date as 05/06/2011" in response.content.decode()
    assert not Project.objects.filter(code="NEW.1").exists()


@pytest.mark.parametrize("user, status", [("alice", 200), ("pam", 200), ("erin", 403),
                                          ("bob", 403), ("charlie", 403)])  # fmt: skip
def test_who_may_edit_a_project(request, client_for, project, user, status):
    url = reverse("projects:project-edit", args=[project.code])
    assert client_for(request.getfixturevalue(user)).get(url).status_code == status


def test_only_the_pmo_creates_projects(client_for, alice):
    assert client_for(alice).get(reverse("projects:project-create")).status_code == 403


def test_manager_renames_a_workstream(client_for, project, alice):
    ws = WorkstreamFactory(project=project, name="Old name")
    data = form(
        code=project.code, name=project.name, sponsor=project.sponsor_id,
        manager=project.manager_id, editors=[e.pk for e in project.editors.all()],
        **{"workstreams-TOTAL_FORMS": 1, "workstreams-INITIAL_FORMS": 1,
           "workstreams-0-id": ws.pk, "workstreams-0-name": "New name"},
    )  # fmt: skip
    url = reverse("projects:project-edit", args=[project.code])
    data["seen"] = seen(client_for(alice), url)
    response = client_for(alice).post(url, data)
    assert response.status_code == 302
    ws.refresh_from_db()
    assert ws.name == "New name"


def test_a_manager_cannot_make_themselves_sponsor(client_for, project, alice, bob):
    url = reverse("projects:project-edit", args=[project.code])
    response = client_for(alice).post(
        url,
        {"name": "Renamed", "sponsor": alice.pk, "status": "closed",
         "reporting_cadence": "as_required", "workstreams-TOTAL_FORMS": 0,
         "workstreams-INITIAL_FORMS": 0, "seen": seen(client_for(alice), url)},
    )  # fmt: skip
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.name == "Renamed"  # the description is theirs to change
    assert (project.sponsor, project.status, project.reporting_cadence) == (
        bob,
        "active",
        "monthly",
    )


def test_two_people_saving_a_project_do_not_overwrite_each_other(client_for, pam, project):
    url = reverse("projects:project-edit", args=[project.code])
    both_saw = seen(client_for(pam), url)
    people = {"sponsor": project.sponsor_id, "manager": project.manager_id}
    first = form(code=project.code, marking=marking("OFFICIAL-SENSITIVE").pk, **people)
    assert client_for(pam).post(url, {**first, "seen": both_saw}).status_code == 302
    second = form(code=project.code, distribution="Cabinet", **people)
    response = client_for(pam).post(url, {**second, "seen": both_saw})
    assert "Someone else saved this after you opened it" in response.text
    project.refresh_from_db()
    assert project.marking.name == "OFFICIAL-SENSITIVE" and project.distribution == ""


def test_editors_ticked_meanwhile_are_not_lost(client_for, pam, alice, charlie, dave, project):
    url = reverse("projects:project-edit", args=[project.code])
    both_saw = seen(client_for(alice), url)
    fields = {"name": project.name, "workstreams-TOTAL_FORMS": 0, "workstreams-INITIAL_FORMS": 0}
    client_for(alice).post(url, {**fields, "editors": [charlie.pk], "seen": both_saw})
    response = client_for(alice).post(url, {**fields, "editors": [dave.pk], "seen": both_saw})
    assert "Someone else saved this after you opened it" in response.text
    assert list(project.editors.all()) == [charlie]

"""Separation of duties (issue 17, findings 2 and 3): the PMO does everything but approve, never
appoints itself (or any PMO member) sponsor, and never sets another person's password;
nobody approves a report they wrote part of, and the PMO then names another approver (never
itself), which is recorded and emailed."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client
from django.urls import reverse

from projects import workflow
from projects.models import AuditEvent, HighlightReport, User
from tests.test_projects.test_project_form import form, seen


def post_action(client, report, action, **data):
    report.refresh_from_db()
    url = reverse(f"projects:report-{action}", args=[report.project.code, report.period_slug])
    return client.post(url, {"version": report.version, **data}, follow=True)


def edit_report(client, report, **changes):
    """Save the report's edit form as the person's browser would send it."""
    from tests.forms import FormReader

    url = reverse("projects:report-edit", args=[report.project.code, report.period_slug])
    reader = FormReader(url)
    reader.feed(client.get(url).content.decode())
    response = client.post(url, {**reader.fields, **changes})
    assert response.status_code == 302, response.content.decode()[:2000]
    report.refresh_from_db()


# --- Finding 2 (a): the PMO makes itself sponsor and approves -------------------------------


def test_the_pmo_cannot_appoint_itself_sponsor(client_for, pam, project, bob):
    url = reverse("projects:project-edit", args=[project.code])
    client = client_for(pam)
    data = form(code=project.code, sponsor=pam.pk, manager=project.manager_id)
    response = client.post(url, {**data, "seen": seen(client, url)})
    assert response.status_code == 200
    assert "Select a valid choice" in response.text  # PMO members are not offered
    project.refresh_from_db()
    assert project.sponsor == bob
    assert not AuditEvent.objects.filter(kind="sponsor", actor=pam).exists()


def test_no_form_or_admin_can_make_a_pmo_member_sponsor(client, project, pam, bob):
    """The rule is the project's own (Project.clean), so the admin keeps it too."""
    boss = User.objects.create_superuser("boss", "boss@example.org", "a-long-passphrase-1")
    client.force_login(boss)
    url = reverse("admin:projects_project_change", args=[project.pk])
    page = client.get(url)
    data = {k: v for k, v in page.context["adminform"].form.initial.items() if v is not None}
    data.update(sponsor=pam.pk, editors=[u.pk for u in project.editors.all()])
    response = client.post(url, data)
    assert "is in the PMO, which does everything but approve" in response.text
    project.refresh_from_db()
    assert project.sponsor == bob


def test_a_pmo_member_made_sponsor_anyway_cannot_approve(client_for, report, alice, pam):
    """Should a PMO member be sponsor all the same (made so before this rule, or added to the
    PMO since), approving is refused and the report stays submitted."""
    workflow.submit(report, alice)
    HighlightReport.objects.filter(pk=report.pk).update()  # no change: the row as it is
    report.project.sponsor = pam
    report.project.save()
    response = post_action(client_for(pam), report, "approve")
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.status == "submitted" and report.approved_by is None


def test_a_change_of_sponsor_is_recorded_and_emailed_to_both(
    client_for, pam, project, bob, dave, django_capture_on_commit_callbacks
):
    url = reverse("projects:project-edit", args=[project.code])
    client = client_for(pam)
    data = form(code=project.code, name=project.name, sponsor=dave.pk, manager=project.manager_id)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {**data, "seen": seen(client, url)})
    assert response.status_code == 302
    first, event = AuditEvent.objects.filter(kind="sponsor").order_by("id")
    assert first.description == "Sponsor of the new project: Bob Baker (bob)."
    assert event.actor == pam and event.object_repr == str(project)
    assert event.description == "Sponsor changed from Bob Baker (bob) to Dave Dunn (dave)."
    (email,) = [m for m in mail.outbox if "new sponsor" in m.subject]
    assert sorted(email.to) == sorted([bob.email, dave.email])
    assert "Sponsor before: Bob Baker" in email.body and "Sponsor now: Dave Dunn" in email.body
    assert "by Pam Price" in email.body


# --- Finding 2 (b): the PMO sets a sponsor's password in the admin -------------------------


@pytest.fixture
def staff_pmo(pam):
    pam.is_staff = True
    pam.save()
    return pam


def test_the_pmo_cannot_set_a_sponsors_password(staff_pmo, bob, diana):
    client = Client()
    client.force_login(staff_pmo)
    for person in (bob, diana):  # a sponsor, a director
        url = reverse("admin:auth_user_password_change", args=[person.pk])
        attempt = {"password1": "taken-over-123!", "password2": "taken-over-123!"}
        assert client.get(url).status_code == 403
        assert client.post(url, attempt).status_code == 403
        person.refresh_from_db()
        assert not person.check_password("taken-over-123!")
    # Nor is the link to it on the person's page, nor may the address a reset goes to change.
    page = client.get(reverse("admin:projects_user_change", args=[bob.pk]))
    assert "password/" not in page.text
    assert "email" not in page.context["adminform"].form.fields  # shown, not editable
    signing_in = Client().post(reverse("login"), {"username": "bob", "password": "taken-over-123!"})
    assert "Please enter a correct username and password" in signing_in.text
    assert not AuditEvent.objects.filter(kind="password_set").exists()


def test_when_someone_joined_or_last_signed_in_is_not_edited_in_the_admin(staff_pmo, bob):
    client = Client()
    client.force_login(staff_pmo)
    url = reverse("admin:projects_user_change", args=[bob.pk])
    form = client.get(url).context["adminform"].form
    assert "date_joined" not in form.fields and "last_login" not in form.fields
    data = {k: v for k, v in form.initial.items() if v not in (None, [])}
    joined = bob.date_joined
    data.update(date_joined_0="01/01/2001", date_joined_1="09:00:00", is_active="on")
    assert client.post(url, data).status_code == 302
    bob.refresh_from_db()
    assert bob.date_joined == joined


def test_the_pmo_cannot_add_an_account_of_its_own_to_approve_with(staff_pmo, project):
    """The hostile review's route: the PMO adds "Grace Adeyemi" with an address of its own,
    resets the password, makes her sponsor and approves. Only a superuser adds people."""
    client = Client()
    client.force_login(staff_pmo)
    url = reverse("admin:projects_user_add")
    assert client.get(url).status_code == 403
    response = client.post(
        url,
        {"username": "puppet", "first_name": "Grace", "last_name": "Adeyemi",
         "email": "pmo-second@evil.example", "password1": "chosen-by-pmo-123",
         "password2": "chosen-by-pmo-123", "usable_password": "true"},
    )  # fmt: skip
    assert response.status_code == 403
    assert not User.objects.filter(username="puppet").exists()


def test_a_superuser_setting_a_password_is_recorded(bob):
    boss = User.objects.create_superuser("boss", "boss@example.org", "a-long-passphrase-1")
    client = Client()
    client.force_login(boss)
    url = reverse("admin:auth_user_password_change", args=[bob.pk])
    new = "Bobs-new-passphrase-42"
    response = client.post(url, {"password1": new, "password2": new, "usable_password": "true"})
    assert response.status_code == 302
    bob.refresh_from_db()
    assert bob.check_password(new)
    event = AuditEvent.objects.get(kind="password_set")
    assert (event.actor, event.object_repr) == (boss, str(bob))
    assert event.description == "Set in the admin."


# --- Finding 3: nobody approves a report they wrote -----------------------------------------


@pytest.fixture
def sponsor_edits(project, bob):
    project.editors.add(bob)  # the sponsor, added as an editor
    return bob


def test_a_sponsor_who_edited_the_report_cannot_approve_it(
    client_for, report, alice, sponsor_edits
):
    edit_report(client_for(sponsor_edits), report, summary="The sponsor's own words")
    workflow.submit(report, alice)
    response = post_action(client_for(sponsor_edits), report, "approve")
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.status == "submitted" and report.approved_by is None
    # The sponsor is told why, and the report is not in their list to approve.
    page = client_for(sponsor_edits).get(report.get_absolute_url()).text
    assert "The sponsor, Bob Baker, wrote part of this report." in page
    assert ">Approve</button>" not in page
    home = client_for(sponsor_edits).get("/").text
    waiting = home.split('id="approve-h">To approve</h2>', 1)[1].split("</section>", 1)[0]
    assert "Nothing is waiting for your approval." in waiting


def test_a_sponsor_added_as_editor_who_wrote_nothing_still_approves(
    client_for, report, alice, sponsor_edits
):
    edit_report(client_for(alice), report, summary="The manager's words")
    workflow.submit(report, alice)
    post_action(client_for(sponsor_edits), report, "approve")
    report.refresh_from_db()
    assert report.status == "approved" and report.approved_by == sponsor_edits


def test_the_pmo_names_another_approver_who_approves(
    client_for, report, alice, sponsor_edits, pam, dave, django_capture_on_commit_callbacks
):
    edit_report(client_for(sponsor_edits), report, summary="The sponsor's own words")
    workflow.submit(report, alice)
    pmo = client_for(pam)
    page = pmo.get(report.get_absolute_url()).text
    assert "Name another approver" in page
    # The PMO cannot name itself, the manager, or the sponsor who wrote it.
    for wrong in (pam, alice, sponsor_edits):
        response = post_action(pmo, report, "name-approver", approver=wrong.pk)
        assert "No approver was named" in response.text
    report.refresh_from_db()
    assert report.named_approver is None
    with django_capture_on_commit_callbacks(execute=True):
        response = post_action(pmo, report, "name-approver", approver=dave.pk)
    assert "Dave Dunn is named to approve this report" in response.text
    event = AuditEvent.objects.get(kind="approver")
    assert event.actor == pam and event.object_repr == str(report)
    assert "Dave Dunn (dave) named to approve in place of the sponsor." in event.description
    assert "wrote part of this report" in event.description
    (email,) = [m for m in mail.outbox if "asked to approve" in m.subject]
    assert email.to == [dave.email]
    where = [report.project.code, report.period_slug]
    history = pmo.get(reverse("projects:report-history", args=where)).text
    assert "Dave Dunn" in history.split("<table", 1)[1]

    # Dave, a stranger to the project before, now reads the draft and approves it.
    dave_client = client_for(dave)
    assert "waiting for Dave Dunn" in dave_client.get(report.get_absolute_url()).text
    post_action(dave_client, report, "approve")
    report.refresh_from_db()
    assert report.status == "approved" and report.approved_by == dave
    page = dave_client.get(report.get_absolute_url()).text
    assert "named by the PMO to approve in place of the Project Sponsor" in page


def test_the_pmo_names_nobody_while_the_sponsor_may_approve(client_for, report, alice, pam, dave):
    workflow.submit(report, alice)
    response = post_action(client_for(pam), report, "name-approver", approver=dave.pk)
    assert "may approve this report: there is no one else to name" in response.text
    report.refresh_from_db()
    assert report.named_approver is None
    assert not AuditEvent.objects.filter(kind="approver").exists()


def test_a_named_approver_who_then_edits_cannot_approve(
    client_for, report, alice, sponsor_edits, pam, dave
):
    edit_report(client_for(sponsor_edits), report, summary="The sponsor's own words")
    post_action(client_for(pam), report, "name-approver", approver=dave.pk)
    report.project.editors.add(dave)
    edit_report(client_for(dave), report, summary="Dave's words too")
    workflow.submit(report, alice)
    assert post_action(client_for(dave), report, "approve").status_code == 403
    report.refresh_from_db()
    assert report.status == "submitted"


def test_a_pmo_member_named_in_the_database_still_cannot_approve(report, alice, sponsor_edits):
    report.writers.add(sponsor_edits)
    workflow.submit(report, alice)
    pmo_person = User.objects.create_user("pmo2", "pmo2@example.org", "x" * 20)
    pmo_person.groups.add(Group.objects.get(name="PMO"))
    HighlightReport.objects.filter(pk=report.pk).update(named_approver=pmo_person)
    report.refresh_from_db()
    with pytest.raises(workflow.PermissionDenied):
        workflow.approve(report, pmo_person)


def test_the_rule_holds_without_the_form(report, alice, sponsor_edits, pam, olive):
    """The form offers only people who may be named; the workflow refuses the rest itself."""
    report.writers.add(sponsor_edits)
    colleague = User.objects.create_user("pmo2", "pmo2@example.org", "x" * 20)
    colleague.groups.add(Group.objects.get(name="PMO"))
    olive.is_active = False
    olive.save()
    refusals = {
        pam: "is in the PMO",
        colleague: "is in the PMO",
        alice: "manages the project",
        sponsor_edits: "wrote part of this report",
        olive: "no longer has an account",
    }
    for person, why in refusals.items():
        report.refresh_from_db()
        with pytest.raises(workflow.TransitionNotAllowed, match=why):
            workflow.name_approver(report, pam, person)
    report.refresh_from_db()
    assert report.named_approver is None

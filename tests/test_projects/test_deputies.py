"""Deputies (issue 19): a sponsor names a deputy for a date range on their account page;
during it the deputy sees the sponsor's reports to approve and may approve or return them,
recorded as approved by the deputy for the sponsor; both are emailed; outside the range the
deputy is nobody to the report; separation of duties holds for the deputy."""

import datetime

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from projects import deputies, workflow
from projects.models import AuditEvent, Deputy, HighlightReport
from tests.factories import UserFactory
from tests.pdf import pdf_text

AUGUST = datetime.date(2026, 8, 1)
IN_AUGUST = datetime.datetime(2026, 8, 12, 10, 0, tzinfo=datetime.UTC)
IN_SEPTEMBER = datetime.datetime(2026, 9, 2, 10, 0, tzinfo=datetime.UTC)
IN_JULY = datetime.datetime(2026, 7, 31, 10, 0, tzinfo=datetime.UTC)


@pytest.fixture
def dee(db):
    return UserFactory(username="dee", first_name="Dee", last_name="Deputy",
                       job_title="Assistant Director")  # fmt: skip


@pytest.fixture
def away(bob, dee):
    """Bob (TEST.1's sponsor) names Dee for August 2026, through his account page."""
    from django.test import Client

    client = Client()
    client.force_login(bob)
    with time_machine.travel(datetime.datetime(2026, 7, 20, 9, 0, tzinfo=datetime.UTC)):
        response = client.post(reverse("deputy-add"), {
            "deputy": dee.pk, "starts": "2026-08-01", "ends": "2026-08-31"})  # fmt: skip
    assert response["Location"] == reverse("account"), response.content[:2000]
    return Deputy.objects.get()


def to_approve(client, user):
    client.force_login(user)
    return client.get(reverse("projects:home")).context["to_approve"]


def approve_as(client, user, report):
    client.force_login(user)
    return client.post(reverse("projects:report-approve", args=[
        report.project.code, report.period_slug]), {"version": report.version})  # fmt: skip


def test_during_the_range_the_deputy_approves_for_the_sponsor(
    away, report, alice, bob, dee, client, django_capture_on_commit_callbacks
):
    workflow.submit(report, alice)
    report.refresh_from_db()
    for outside in (IN_JULY, IN_SEPTEMBER):
        with time_machine.travel(outside):
            assert report not in to_approve(client, dee), f"a deputy on {outside:%d/%m}"
            assert approve_as(client, dee, report).status_code in (403, 404)
    with time_machine.travel(IN_AUGUST):
        assert report in to_approve(client, dee)
        assert "(as deputy for Bob Baker)" in client.get(reverse("projects:home")).text
        with django_capture_on_commit_callbacks(execute=True):
            response = approve_as(client, dee, report)
        assert response.status_code == 302
        page = client.get(report.get_absolute_url()).text
    report.refresh_from_db()
    assert report.status == HighlightReport.Status.APPROVED
    assert (report.approved_by, report.approved_for) == (dee, bob)
    assert ("Agreed and authorised by Dee Deputy, Assistant Director, deputy for Bob Baker, "
            "Director of Place") in page  # fmt: skip
    from reports import services

    document = services.approved_copy("highlight_report", report)
    text = pdf_text(document.file.read())
    assert "Dee Deputy, Assistant Director, deputy for Bob Baker, Director of Place" in text


def test_the_deputy_may_return_a_report_too(away, report, alice, dee, client):
    workflow.submit(report, alice)
    report.refresh_from_db()
    client.force_login(dee)
    with time_machine.travel(IN_AUGUST):
        response = client.post(reverse("projects:report-return", args=[
            report.project.code, report.period_slug]),
            {"version": report.version, "comment": "Add the budget figures."})  # fmt: skip
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == HighlightReport.Status.RETURNED


def test_separation_of_duties_holds_for_the_deputy(away, report, alice, dee, client):
    report.writers.add(dee)  # Dee wrote part of this one
    workflow.submit(report, alice)
    report.refresh_from_db()
    with time_machine.travel(IN_AUGUST):
        assert report not in to_approve(client, dee)
        assert approve_as(client, dee, report).status_code == 403
    report.refresh_from_db()
    assert report.status == HighlightReport.Status.SUBMITTED


def test_nobody_in_the_pmo_and_not_oneself_is_named(bob, pam):
    with pytest.raises(Exception, match="in the PMO"):
        deputies.name(bob, pam, AUGUST, AUGUST)
    with pytest.raises(Exception, match="cannot deputise for yourself"):
        deputies.name(bob, bob, AUGUST, AUGUST)
    assert not Deputy.objects.exists()


def test_the_sponsor_and_the_deputy_are_both_emailed(
    away, report, alice, bob, dee, django_capture_on_commit_callbacks
):
    with time_machine.travel(IN_AUGUST), django_capture_on_commit_callbacks(execute=True):
        workflow.submit(report, alice)
    assert [sorted(m.to) for m in mail.outbox] == [sorted([bob.email, dee.email])]
    with time_machine.travel(IN_SEPTEMBER), django_capture_on_commit_callbacks(execute=True):
        workflow.withdraw(report, alice)
        mail.outbox.clear()
        report.refresh_from_db()
        workflow.submit(report, alice)
    assert [m.to for m in mail.outbox] == [[bob.email]], "the deputy emailed out of range"


def test_naming_and_removing_a_deputy_is_recorded_and_only_the_sponsor_removes(
    away, bob, dee, client
):
    named = AuditEvent.objects.get(kind="approver")
    assert named.actor == bob
    assert named.description == "Named deputy to approve for bob from 01/08/2026 to 31/08/2026."
    client.force_login(dee)
    assert client.post(reverse("deputy-remove", args=[away.pk])).status_code == 404
    client.force_login(bob)
    assert client.post(reverse("deputy-remove", args=[away.pk]))["Location"] == "/accounts/me/"
    assert not Deputy.objects.exists()
    assert AuditEvent.objects.filter(kind="approver", description__startswith="No longer")


def test_the_account_page_lists_deputies_both_ways(away, bob, dee, client):
    client.force_login(bob)
    with time_machine.travel(IN_AUGUST):
        assert "Dee Deputy, 01/08/2026 to 31/08/2026" in client.get(reverse("account")).text
        client.force_login(dee)
        page = client.get(reverse("account")).text
    assert "You deputise for:" in page and "Bob Baker, 01/08/2026 to 31/08/2026" in page


def test_a_deputy_cannot_approve_what_the_sponsor_wrote_before_anyone_is_named(
    away, report, alice, bob, dee, client
):
    report.writers.add(bob)  # the sponsor wrote part: the PMO has yet to name an approver
    workflow.submit(report, alice)
    report.refresh_from_db()
    with time_machine.travel(IN_AUGUST):
        assert report not in to_approve(client, dee)
        assert approve_as(client, dee, report).status_code == 403

"""Two people at once. Each page form carries the version its user saw; a save from a form
opened before someone else's is refused with who changed it, and what was typed is shown
again so nothing is lost.

The first tests use two browsers (test clients) one after the other. The last ones run two
real transactions at the same moment on PostgreSQL: the second is shown waiting on the
first's row lock before the first commits, so the checks are made under a real race."""

import datetime
import pkgutil
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django.test import Client
from django.urls import reverse

from businessplan.models import BusinessPlan
from projects import uploads, workflow
from projects.models import Concern, HighlightReport
from projects.reporting import ReportExists, create_report
from risks import registers
from risks.importers import RegisterImporter
from risks.models import Risk, RiskMatrix, RiskRegister
from tests.conftest import need
from tests.factories import (
    ActivityFactory,
    BusinessPlanFactory,
    OwnerRoleFactory,
    RiskFactory,
    RiskRegisterFactory,
    SectionFactory,
)
from tests.forms import FormReader, read_form


def browser(user):
    client = Client()
    client.force_login(user)
    return client


def page_text(response):
    return response.content.decode()


@pytest.fixture
def risk(alice, pam):
    register = RiskRegisterFactory(
        name="Corporate risks", matrix=RiskMatrix.objects.get(name="5x5"), owner=alice
    )
    return RiskFactory(
        register=register, ref="CR_1", title="Cyber attack", controls="Firewall",
        inherent=(4, 4), residual=(3, 3),
    )  # fmt: skip


@pytest.fixture
def activity(charlie, dave):
    plan = BusinessPlanFactory(year="2026-27", status=BusinessPlan.Status.PUBLISHED)
    return ActivityFactory(
        section=SectionFactory(plan=plan, name="C&I"),
        ref="CI 1",
        title="Refresh the website",
        owner=OwnerRoleFactory(name="Dir - C&I", users=[charlie, dave]),
    )


def update_url(activity):
    section = activity.section
    return reverse(
        "businessplan:activity-update", args=[section.plan.year, section.slug, activity.ref]
    )


def report_url(report, name="projects:report-edit"):
    return reverse(name, args=[report.project.code, report.period_slug])


# Two browsers, one after the other ------------------------------------------------------


def test_second_report_save_is_refused_naming_who_and_keeping_the_typing(report, alice, erin):
    url = report_url(report)
    alice_browser, erin_browser = browser(alice), browser(erin)
    alice_form, erin_form = read_form(alice_browser, url), read_form(erin_browser, url)

    saved = alice_browser.post(url, {**alice_form.fields, "summary": "Summary by Alice"})
    assert saved.status_code == 302
    refused = erin_browser.post(
        url,
        {
            **erin_form.fields,
            "summary": "Summary by Erin",
            "concerns-0-concern": "Contractor may walk off site",
            "concerns-0-countermeasure": "Weekly call",
        },
    )

    assert refused.status_code == 409
    text = page_text(refused)
    assert "Alice Archer at" in text and "changed this report after you opened it" in text
    assert "Summary by Erin" in text and "Contractor may walk off site" in text
    report.refresh_from_db()
    assert report.summary == "Summary by Alice" and report.version == 2
    assert not Concern.objects.filter(report=report).exists()

    # Erin opens the report again, as the message says, and her change goes in on top.
    again = read_form(erin_browser, url)
    assert again.fields["summary"] == "Summary by Alice"
    resaved = erin_browser.post(url, {**again.fields, "summary": "Summary by Alice and Erin"})
    assert resaved.status_code == 302
    report.refresh_from_db()
    assert report.summary == "Summary by Alice and Erin" and report.version == 3


def test_a_save_after_approval_is_refused_and_the_typing_kept(report, alice, bob, erin):
    url = report_url(report)
    erin_browser = browser(erin)
    erin_form = read_form(erin_browser, url)
    workflow.approve(workflow.submit(report, alice), bob)
    approved = HighlightReport.objects.get(pk=report.pk)

    refused = erin_browser.post(url, {**erin_form.fields, "summary": "Late words from Erin"})

    assert refused.status_code == 409
    text = page_text(refused)
    assert "This report was approved after you opened it (Bob Baker at" in text
    assert "Late words from Erin" in text
    report.refresh_from_db()
    assert report.summary == approved.summary and report.version == approved.version
    assert report.approved_snapshot == approved.approved_snapshot


def test_an_approval_from_a_page_opened_before_a_resubmission_is_refused(report, alice, bob):
    workflow.submit(report, alice)
    seen = HighlightReport.objects.get(pk=report.pk).version  # on the sponsor's screen
    workflow.withdraw(report, alice)  # the manager takes it back, changes it, resubmits
    report.summary = "Rewritten after withdrawal"
    report.save()
    workflow.submit(report, alice)

    response = browser(bob).post(
        report_url(report, "projects:report-approve"), {"version": seen}, follow=True
    )

    assert "The report has changed since you opened it" in page_text(response)
    report.refresh_from_db()
    assert report.status == HighlightReport.Status.SUBMITTED and report.approved_by is None


def test_second_risk_edit_is_refused_naming_who(risk, alice, pam):
    url = reverse("risks:risk-edit", args=[risk.register.slug, risk.ref])
    alice_browser, pam_browser = browser(alice), browser(pam)
    alice_form, pam_form = read_form(alice_browser, url), read_form(pam_browser, url)

    assert (
        alice_browser.post(url, {**alice_form.fields, "controls": "Firewall, MFA"}).status_code
        == 302
    )
    refused = pam_browser.post(url, {**pam_form.fields, "controls": "Firewall, phishing drill"})

    assert refused.status_code == 409
    text = page_text(refused)
    assert "Alice Archer at" in text and "changed this risk after you opened it" in text
    assert "Firewall, phishing drill" in text
    risk.refresh_from_db()
    assert risk.controls == "Firewall, MFA" and risk.version == 2


def test_a_review_from_a_form_opened_before_an_edit_is_refused(risk, alice, pam):
    review_url = reverse("risks:risk-review", args=[risk.register.slug, risk.ref])
    edit_url = reverse("risks:risk-edit", args=[risk.register.slug, risk.ref])
    pam_browser, alice_browser = browser(pam), browser(alice)
    review = read_form(pam_browser, review_url)
    edit = read_form(alice_browser, edit_url)
    assert alice_browser.post(edit_url, {**edit.fields, "residual_impact": "5"}).status_code == 302

    refused = pam_browser.post(
        review_url, {**review.fields, "comment": "Reviewed with the CISO", "residual_impact": "2"}
    )

    assert refused.status_code == 409
    text = page_text(refused)
    assert "Alice Archer at" in text and "Reviewed with the CISO" in text
    risk.refresh_from_db()
    assert risk.residual_impact == 5 and not risk.reviews.exists()


def test_second_activity_update_is_refused_then_saves_against_the_latest(activity, charlie, dave):
    url = update_url(activity)
    charlie_browser, dave_browser = browser(charlie), browser(dave)
    charlie_form, dave_form = read_form(charlie_browser, url), read_form(dave_browser, url)
    first = {"quarter": "2", "status": "on_target", "comment": "Supplier appointed"}
    assert charlie_browser.post(url, {**charlie_form.fields, **first}).status_code == 302

    second = {"quarter": "2", "status": "slippage", "comment": "Content owners not found"}
    refused = dave_browser.post(url, {**dave_form.fields, **second})

    assert refused.status_code == 409
    text = page_text(refused)
    assert "Charlie Chen at" in text and "Content owners not found" in text
    assert [u.comment for u in activity.updates.all()] == ["Supplier appointed"]
    # The form came back against the version now current: saving it again, having read
    # Charlie's update above it, records Dave's.
    again = read_form_from(refused, url)
    assert dave_browser.post(url, again.fields).status_code == 302
    activity.refresh_from_db()
    assert activity.comment == "Content owners not found"
    assert activity.updates.count() == 2


def read_form_from(response, url):
    reader = FormReader(url)
    reader.feed(page_text(response))
    return reader


# Two real transactions at the same moment (PostgreSQL) --------------------------------


@pytest.fixture
def racing(transactional_db, django_db_serialized_rollback):
    need(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")


def waiting_on_a_lock():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


class Race:
    """Run `first` until it reaches `pause_in` (inside its transaction, holding its locks),
    then start `second`, wait until PostgreSQL shows it blocked on a lock, and let `first`
    finish. Outcomes are the value or the exception of each."""

    def __init__(self, pause_in):
        self.pause_in = pause_in
        self.inside, self.release = threading.Event(), threading.Event()
        self.outcomes, self.second_waited = {}, False

    @contextmanager
    def _paused(self):
        original = pkgutil.resolve_name(self.pause_in)

        def hold(*args, **kwargs):
            if threading.current_thread().name == "first" and not self.inside.is_set():
                self.inside.set()
                assert self.release.wait(20), "the second transaction never arrived"
            return original(*args, **kwargs)

        with mock.patch(self.pause_in, hold):
            yield

    def _run(self, name, work):
        try:
            self.outcomes[name] = work()
        except Exception as exc:  # noqa: BLE001 - the outcome under test
            self.outcomes[name] = exc
        finally:
            connections.close_all()

    def __call__(self, first, second):
        with self._paused():
            one = threading.Thread(target=self._run, args=("first", first), name="first")
            one.start()
            assert self.inside.wait(20), "the first transaction never reached its pause"
            two = threading.Thread(target=self._run, args=("second", second), name="second")
            two.start()
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline and not self.second_waited:
                self.second_waited = waiting_on_a_lock() > 0
                time.sleep(0.02)
            self.release.set()
            one.join(30)
            two.join(30)
        return self.outcomes["first"], self.outcomes["second"]


def post_form(user, url, changes):
    client = browser(user)
    form = read_form(client, url)
    return client, {**form.fields, **changes}


def test_two_report_saves_at_once_one_wins_the_other_is_told(racing, report, alice, erin):
    url = report_url(report)
    alice_browser, alice_data = post_form(alice, url, {"summary": "Summary by Alice"})
    erin_browser, erin_data = post_form(erin, url, {"summary": "Summary by Erin"})

    race = Race("projects.forms.ReportForm.save")
    first, second = race(
        lambda: alice_browser.post(url, alice_data), lambda: erin_browser.post(url, erin_data)
    )

    assert race.second_waited, "Erin's save never waited for Alice's: no race was run"
    assert first.status_code == 302
    assert second.status_code == 409 and "Summary by Erin" in page_text(second)
    report.refresh_from_db()
    assert report.summary == "Summary by Alice" and report.version == 2


def test_a_save_while_the_report_is_submitted_waits_then_is_refused(racing, report, alice, erin):
    url = report_url(report)
    erin_browser, erin_data = post_form(erin, url, {"summary": "Added by Erin at the last minute"})
    before = report.summary

    race = Race("projects.workflow.access.project_role")  # inside submit, under its row lock
    first, second = race(
        lambda: workflow.submit(HighlightReport.objects.get(pk=report.pk), alice),
        lambda: erin_browser.post(url, erin_data),
    )

    assert race.second_waited
    assert isinstance(first, HighlightReport), first
    assert second.status_code == 409
    text = page_text(second)
    assert "This report was submitted after you opened it (Alice Archer at" in text
    assert "Added by Erin at the last minute" in text
    report.refresh_from_db()
    # The sponsor receives what the manager submitted, not a half-merged edit.
    assert report.status == HighlightReport.Status.SUBMITTED and report.summary == before


def test_two_risk_reviews_at_once_record_one(racing, risk, alice, pam):
    def review(user, comment):
        return lambda: registers.record_review(
            Risk.objects.get(pk=risk.pk), user, datetime.date(2026, 11, 1), comment, True,
            datetime.date(2026, 12, 1), expected_version=1, residual_impact=2,
        )  # fmt: skip

    race = Race("risks.registers.RiskReview.objects.create")
    first, second = race(review(alice, "Alice's review"), review(pam, "Pam's review"))

    assert race.second_waited
    assert isinstance(second, registers.StaleRisk), second
    assert [r.comment for r in risk.reviews.all()] == ["Alice's review"]


def test_two_updates_of_an_activity_at_once_record_one(racing, activity, charlie, dave):
    url = update_url(activity)
    charlie_browser, charlie_data = post_form(
        charlie, url, {"quarter": "3", "status": "on_target", "comment": "By Charlie"}
    )
    dave_browser, dave_data = post_form(
        dave, url, {"quarter": "3", "status": "slippage", "comment": "By Dave"}
    )

    race = Race("businessplan.forms.UpdateForm.save")
    first, second = race(
        lambda: charlie_browser.post(url, charlie_data), lambda: dave_browser.post(url, dave_data)
    )

    assert race.second_waited
    assert first.status_code == 302 and second.status_code == 409
    assert [u.comment for u in activity.updates.all()] == ["By Charlie"]


def test_two_people_starting_the_same_report_at_once_make_one(racing, project):
    period = datetime.date(2026, 10, 1)
    race = Race("projects.reporting.bulk_create_with_history")
    first, second = race(
        lambda: create_report(project, period), lambda: create_report(project, period)
    )

    assert race.second_waited
    assert isinstance(first, HighlightReport)
    assert isinstance(second, ReportExists) and "October 2026" in str(second)
    assert HighlightReport.objects.filter(project=project).count() == 1


def checkpoint():
    """Where a racing transaction pauses in tests that have no function of ours to pause in."""


def test_the_database_itself_refuses_a_second_report_for_a_period(racing, project):
    """The unique constraint is the last word when the lock is bypassed (a script, a shell)."""

    def insert():
        with transaction.atomic():
            # objects.create, not ReportFactory: the factory goes through create_report's
            # lock, and this race is about what happens without it.
            report = HighlightReport.objects.create(
                project=project,
                period_start=datetime.date(2026, 10, 1),
                period_end=datetime.date(2026, 10, 31),
            )
            checkpoint()
        return report

    race = Race("tests.test_config.test_concurrency.checkpoint")
    first, second = race(insert, insert)

    assert race.second_waited
    assert isinstance(first, HighlightReport), first
    assert isinstance(second, IntegrityError), second
    assert HighlightReport.objects.filter(project=project).count() == 1


def test_two_confirmations_of_the_same_import_at_once_import_it_once(racing, pam, erin):
    register = RiskRegisterFactory(matrix=RiskMatrix.objects.get(name="4x4"))
    sample = Path(__file__).resolve().parents[2] / "risks/demo/risk-register-sample.xlsx"
    content = sample.read_bytes()
    outcome, seen = uploads.preview(RegisterImporter, register, content, sample.name)
    assert outcome.created and seen

    def confirm(user):
        return lambda: uploads.confirm(
            RegisterImporter, RiskRegister.objects.get(pk=register.pk), content, sample.name,
            seen, user=user,
        )  # fmt: skip

    race = Race("risks.importers.RegisterImporter.write")
    first, second = race(confirm(pam), confirm(erin))

    assert race.second_waited, "the second confirmation never waited: no race was run"
    assert first.created == outcome.created
    assert isinstance(second, uploads.RecordsChanged), second
    assert register.risks.count() == outcome.created

"""A hostile review of the retention schedule and legal holds (issue 22, point 1).

Sixteen tests (the first fifteen, and the many-to-many history's) were defects the review
found, fixed since; each docstring says how a user met it. The rest are attacks the code
resisted."""

import dataclasses
import datetime
import importlib
from pathlib import Path

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, OperationalError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from projects import audit, retention, uploads, workflow
from projects.models import (
    AuditEvent,
    Concern,
    Deliverable,
    HighlightReport,
    ImportJob,
    LegalHold,
    Organisation,
    Project,
    RaidItem,
    RetentionRule,
)
from reports import services
from reports.models import Document, ReportingRun
from risks.models import Risk, RiskReview
from tests.factories import (
    BusinessPlanFactory,
    ConcernFactory,
    DeliverableFactory,
    ProgrammeFactory,
    ProjectFactory,
    ReportFactory,
    RiskFactory,
    RiskRegisterFactory,
    RiskReviewFactory,
)
from tests.retention import TODAY, ago, approved_report, closed, document, run, years_ago

pytestmark = pytest.mark.django_db


# --- helpers (as tests/test_projects/test_retention.py) -------------------------------------


def upload(owner, target, age_days, name="risks.xlsx", directory=False):
    job = ImportJob.objects.create(
        owner=owner, importer="risks.importers.RegisterImporter", name=name,
        target_type=ContentType.objects.get_for_model(target), target_id=target.pk,
        status=ImportJob.Status.DONE,
    )  # fmt: skip
    ImportJob.objects.filter(pk=job.pk).update(created_at=ago(age_days))
    path = uploads.file_of(job)
    path.parent.mkdir(parents=True, exist_ok=True)
    if directory:
        path.mkdir()  # e.g. a path the web user may not remove
    else:
        path.write_bytes(b"PK")
    return job


@pytest.fixture(autouse=True)
def schedule_in_force():
    """The schedule has been in force for years: its notice (NOTICE_DAYS) is long past."""
    retention.schedule()
    RetentionRule.objects.update(in_force_from=datetime.date(2000, 1, 1))


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def set_rule(key, **values):
    retention.schedule()
    RetentionRule.objects.filter(records=key).update(**values)


# ============================================================================================
# Defects
# ============================================================================================


def test_a_reopened_approved_report_is_not_treated_as_a_draft(project, alice, bob, pam, capture):
    """The PMO reopens an approved report from 2020 to correct a figure. That night the run
    treats it as a 'report never approved' whose year is long up and removes it, with the
    history that shows it was approved and by whom, and its issued PDF. The PMO finds the
    report they were correcting gone the next morning.
    Fix: the drafts rule must skip reports that were ever approved (reopen_reason, or an
    approved entry in history), or count from their last change, not from their month."""
    report = approved_report(project, datetime.date(2020, 1, 1), alice, bob, capture)
    workflow.reopen(report, pam, "The budget line was wrong")

    run(capture)

    assert HighlightReport.objects.filter(pk=report.pk).exists()
    assert HighlightReport.history.filter(id=report.pk, status="approved").exists()


def test_the_issued_approved_pdf_survives_a_new_letterhead(project, alice, bob, capture):
    """An approved report's PDF (the copy that went to the board) is recognised as 'the
    approved copy' by recomputing its fingerprint with today's letterhead. Once the council
    renames itself or changes its logo (or re-marks the project), the fingerprint no longer
    matches, the 90-day 'other documents' rule removes every approved PDF ever issued, and
    the report is left with no approved PDF. The issue: an approved report's PDF never
    predeceases its report.
    Fix: mark the approved copy on the Document itself (e.g. an `approved_copy` flag or the
    report's approval fingerprint stored at approval) and exclude those rows by that."""
    report = approved_report(project, datetime.date(2024, 3, 1), alice, bob, capture)
    pdf = services.approved_copy("highlight_report", report)
    assert pdf is not None
    Document.objects.filter(pk=pdf.pk).update(requested_at=ago(400))
    organisation = Organisation.current()
    organisation.name = "Borough Council of Somewhere (renamed)"
    organisation.save()

    run(capture)

    assert HighlightReport.objects.filter(pk=report.pk).exists()
    assert Document.objects.filter(pk=pdf.pk).exists(), "the issued approved PDF was removed"


def test_history_of_parts_deleted_earlier_goes_with_the_report(project, capture):
    """A manager deleted a concern and a deliverable from a draft before it lapsed. When
    the report is removed, only the history of the parts it still had goes: the history of
    the deleted concern and deliverable (their full text, naming the report) stays in the
    database for ever, so 'a removed report's history goes with it' is not true.
    Fix: delete the history of each child model by its foreign key to the removed parent
    (e.g. HistoricalConcern.objects.filter(report_id__in=…)), not only by the live pks."""
    report = ReportFactory(project=project, period_start=datetime.date(2020, 1, 1))
    ConcernFactory(report=report, concern="Contractor X is suing us").delete()
    DeliverableFactory(report=report, description="Secret deliverable").delete()

    assert run(capture)["unapproved_reports"] == 1

    assert not HighlightReport.objects.filter(pk=report.pk).exists()
    assert not Concern.history.filter(report_id=report.pk).exists()
    assert not Deliverable.history.filter(report_id=report.pk).exists()


def test_history_of_reviews_deleted_earlier_goes_with_the_risk(capture):
    """Likewise for risks: a review deleted while the risk was open keeps its history
    (score, comment, reviewer) after the closed risk and its reviews are removed."""
    risk = RiskFactory(status=Risk.Status.CLOSED)
    RiskReviewFactory(risk=risk, comment="Reviewed with the monitoring officer").delete()
    Risk.objects.filter(pk=risk.pk).update(closed_on=years_ago(7))

    assert run(capture)["closed_risks"] == 1

    assert not RiskReview.history.filter(risk_id=risk.pk).exists()


def test_a_file_that_cannot_be_deleted_neither_crashes_the_run_nor_loses_its_audit(
    transactional_db, django_db_serialized_rollback, pam, media_root
):
    """An upload's file that cannot be unlinked (here a directory; in life a permission
    problem) makes delete_files' error handler itself fail (it logs `name`, which is only
    set for FileField files: UnboundLocalError). In production the on_commit callback runs
    as the rule's transaction commits, so the business plan is already gone, but the run
    crashes before recording the removal in the audit, and every later rule (other
    documents, uploads) does not run that night — nor any night while the file is there.
    Fix: log `file` not `name`; catch per file; record the removal before (or regardless
    of) deleting files; isolate rules from each other."""
    plan = BusinessPlanFactory(year="2015-16", end=years_ago(7))
    upload(pam, plan, 2, name="plan.xlsx", directory=True)
    register = RiskRegisterFactory()
    stale_pdf = document("risk_register", register, ago(120), "stale.pdf")

    try:
        retention.apply()
    except Exception as error:  # noqa: BLE001
        pytest.fail(f"the nightly run crashed: {error!r}")
    finally:
        assert not type(plan).objects.filter(pk=plan.pk).exists()  # removed and committed
        assert AuditEvent.objects.filter(
            kind=AuditEvent.Kind.RETENTION, description__startswith="Business plans"
        ).exists(), "the business plan was removed but the audit does not say so"
    assert not Document.objects.filter(pk=stale_pdf.pk).exists()


def test_one_failing_rule_leaves_the_others_to_run_and_fails_the_task(monkeypatch, capture):
    """Any exception in one rule (a lock timeout, one bad row) aborts apply(): the rules
    after it (business plans, other documents, uploads) never run, and nothing in the audit
    says the run failed. One bad risk row would keep every stale PDF for ever.
    Fix: run each rule in its own try/except, record the failure in the audit (outcome
    failed), carry on with the next rule, and raise at the end so the task shows as failed."""

    def boom(rule, until):
        raise OperationalError("canceling statement due to lock timeout")
        yield  # pragma: no cover

    kind = retention.KINDS["closed_risks"]
    monkeypatch.setitem(retention.KINDS, "closed_risks", dataclasses.replace(kind, due=boom))
    stale_pdf = document("risk_register", RiskRegisterFactory(), ago(120), "stale.pdf")

    with pytest.raises(retention.RetentionFailed, match="Closed risks and their reviews"):
        run(capture)
    assert not Document.objects.filter(pk=stale_pdf.pk).exists(), "later rules never ran"


def test_an_upload_leaves_everyone_elses_uploads_to_the_schedule_and_holds(pam, alice, monkeypatch):
    """The schedule says uploads are kept 7 days (the PMO may set 30) and a legal hold keeps
    them. But any upload, by anyone, deletes every upload older than one day (uploads.
    start_preview → discard(... KEPT_FOR ...)) with its file: past the PMO's period,
    through a legal hold, and with nothing in the audit.
    Fix: leave expiry to the schedule (drop the one-day sweep, or have it ask the schedule
    and the holds)."""
    monkeypatch.setattr(uploads, "send", lambda task, job: None)
    set_rule("imports", amount=30, unit="days")
    register = RiskRegisterFactory()
    retention.place_hold(register, "Inquest into the flood", pam)
    kept = upload(pam, register, 3)

    other = RiskRegisterFactory()
    uploads.start_preview(alice, type("Imp", (), {}), other, "mine.xlsx", b"PK")

    assert ImportJob.objects.filter(pk=kept.pk).exists()
    assert uploads.file_of(kept).exists()


def test_a_hold_on_a_programme_keeps_the_risks_of_registers_linked_to_it(pam, capture):
    """A register linked to a programme (RiskRegister.programmes: 'programmes whose board
    packs also hold this register's risks') but not to one of its projects: a legal hold on
    the programme does not cover its closed risks or its PDFs, though they are in the
    programme's board packs the claim is about.
    Fix: under() for a register should include its linked programmes."""
    programme = ProgrammeFactory(code="PROG.9", name="Regeneration")
    register = RiskRegisterFactory()
    register.programmes.add(programme)
    risk = RiskFactory(register=register, status=Risk.Status.CLOSED)
    Risk.objects.filter(pk=risk.pk).update(closed_on=years_ago(10))
    retention.place_hold(programme, "Judicial review of the regeneration scheme", pam)

    run(capture)

    assert Risk.objects.filter(pk=risk.pk).exists()


def test_a_hold_on_a_project_keeps_uploads_into_its_risk_register(project, pam, capture):
    """An upload's hold key is only its target (the register): a hold on the register's
    project (or programme) does not keep the spreadsheet uploaded into that project's
    register, which the nightly run deletes with its file.
    Fix: an upload sits under its target and whatever that target sits under."""
    register = RiskRegisterFactory(project=project)
    job = upload(pam, register, 10)
    retention.place_hold(project, "Claim by the contractor", pam)

    run(capture)

    assert ImportJob.objects.filter(pk=job.pk).exists()


def test_a_hold_on_a_project_keeps_the_board_pack_printing_it(project, pam, capture):
    """A hold on a project is meant to stop all removal under it. The programme board pack
    that printed the project's report for the board (the evidence of what the board was
    told) is removed after 6 years regardless, since a pack sits only under its programme;
    a portfolio pack sits under nothing and can never be held at all.
    Fix: a pack sits under every project it prints (record them on the Document when it is
    made), and a portfolio pack under all of them."""
    programme = ProgrammeFactory(code="PROG.2", name="Libraries")
    Project.objects.filter(pk=project.pk).update(parent=programme)
    pack = document("board_pack", programme, ago(365 * 7), "pack.pdf", programme="PROG.2",
                    period="2018-03")  # fmt: skip
    retention.place_hold(project, "Claim by the contractor about the refurbishment", pam)

    run(capture)

    assert Document.objects.filter(pk=pack.pk).exists()


def test_the_audit_names_every_record_removed(project, capture):
    """The run's audit event names 25 records and says 'and N more': which records were
    destroyed is lost for the rest. A destruction log has to identify each record (the
    council must be able to answer 'was report X destroyed, when, under which rule?').
    Fix: record every removed record (an event per record, or the full list)."""
    reports = [
        ReportFactory(project=project, period_start=datetime.date(2010 + n // 12, n % 12 + 1, 1))
        for n in range(30)
    ]

    run(capture)

    event = AuditEvent.objects.get(kind=AuditEvent.Kind.RETENTION)
    missing = [str(report) for report in reports if str(report) not in event.description]
    assert missing == []


def test_the_record_of_what_was_destroyed_outlives_the_audit_retention(project, capture):
    """What the schedule removed is recorded only as an audit event, and the audit's own
    retention (AUDIT_RETENTION_DAYS, 730) removes it: two years on, nobody can show that
    a report was destroyed under the schedule rather than lost or deleted by hand.
    Fix: keep the retention log (and legal-hold events) out of the audit purge, or in a
    table of its own kept as long as the longest rule."""
    ReportFactory(project=project, period_start=datetime.date(2020, 1, 1))
    run(capture)
    assert AuditEvent.objects.filter(kind=AuditEvent.Kind.RETENTION).exists()

    audit.remove_expired(now=timezone.now() + datetime.timedelta(days=800))

    assert AuditEvent.objects.filter(
        kind=AuditEvent.Kind.RETENTION, description__contains="TEST.1 January 2020"
    ).exists()


def test_a_hold_placed_while_the_run_is_going_is_respected(
    project, alice, bob, pam, capture, monkeypatch
):
    """The run reads the live holds once per rule, then removes in a later transaction
    without re-checking them or locking: a hold the PMO places while the run is going (a
    run over thousands of records takes a while) is ignored and the held records go.
    Fix: inside the removal's transaction, lock the holds (SELECT … FOR UPDATE / a table
    lock) and re-check what is due and whether it is held before deleting."""
    report = ReportFactory(project=project, period_start=datetime.date(2020, 1, 1))
    original = retention.remove

    def slow_remove(objects):
        if objects and not LegalHold.objects.exists():
            retention.place_hold(project, "Claim just received", pam)
        return original(objects)

    monkeypatch.setattr(retention, "remove", slow_remove)
    run(capture)

    assert HighlightReport.objects.filter(pk=report.pk).exists()


def test_a_submitted_report_of_a_project_closed_long_ago_goes(project, alice, capture):
    """A report left 'submitted' when the project closed is covered by no rule at all:
    the drafts rule skips it ('waiting for its sponsor') and the approved rule skips it
    (not approved). Ten years after the project closed it is still there, and never even
    shows on the page as coming: exactly the 'kept for ever' the issue is about.
    Fix: once the project has closed, a submitted report falls under the drafts rule (or
    the approved-reports rule counted from the closing)."""
    report = ReportFactory(project=project, period_start=datetime.date(2014, 1, 1), rated=True)
    workflow.submit(report, alice)
    closed(project, years_ago(10))

    run(capture)

    assert not HighlightReport.objects.filter(pk=report.pk).exists()


def test_the_migration_takes_the_closing_day_as_the_council_counts_it(settings):
    """The migrations derive closed_on from history_date.date(), which is the UTC date: a
    project closed at 00:30 on 1 July (BST) is recorded as closed on 30 June.
    Fix: timezone.localtime(at).date()."""
    migration = importlib.import_module("projects.migrations.0034_retention")
    at = datetime.datetime(2024, 6, 30, 23, 30, tzinfo=datetime.UTC)  # 00:30 BST 1 July
    assert settings.TIME_ZONE == "Europe/London"
    assert migration.closed_since([("closed", at)], None) == datetime.date(2024, 7, 1)


# ============================================================================================
# Attacks the code resisted
# ============================================================================================


@pytest.mark.parametrize("who", ["alice", "bob", "diana", "olive"])
def test_nobody_outside_the_pmo_reaches_the_schedule(who, request, project, pam, client_for):
    user = request.getfixturevalue(who)
    hold = retention.place_hold(project, "FOI", pam)
    client = client_for(user)
    key = "{}:{}".format(*retention.hold_key(project))
    assert client.get(reverse("projects:retention")).status_code == 403
    rule_url = reverse("projects:retention-rule", args=["imports"])
    assert client.get(rule_url).status_code == 403
    assert client.post(rule_url, {"amount": "1", "unit": "days", "reason": "x"}).status_code == 403
    place = client.post(reverse("projects:legal-hold-place"), {"target": key, "reason": "x"})
    assert place.status_code == 403
    lift = client.post(reverse("projects:legal-hold-lift", args=[hold.pk]), {"reason": "x"})
    assert lift.status_code == 403
    hold.refresh_from_db()
    assert hold.is_live and LegalHold.objects.count() == 1


def test_a_hold_cannot_be_placed_on_a_record_outside_the_list(pam, client_for):
    client = client_for(pam)
    user_type = ContentType.objects.get_for_model(type(pam)).pk
    audit_type = ContentType.objects.get_for_model(AuditEvent).pk
    for target in (f"{user_type}:{pam.pk}", f"{audit_type}:1", "999:1", "x", "1:1:1"):
        response = client.post(reverse("projects:legal-hold-place"),
                               {"target": target, "reason": "tampered"})  # fmt: skip
        assert response.status_code == 400
    assert not LegalHold.objects.exists()


def test_a_second_live_hold_on_the_same_record_is_refused_by_the_database(project, pam):
    retention.place_hold(project, "first", pam)
    with pytest.raises(IntegrityError), transaction.atomic():
        retention.place_hold(project, "second", pam)
    assert LegalHold.objects.filter(lifted_at__isnull=True).count() == 1


def test_a_hold_lifted_twice_is_lifted_and_recorded_once(project, pam, bob, client_for):
    hold = retention.place_hold(project, "FOI", pam)
    assert retention.lift_hold(hold, "answered", pam)
    assert not retention.lift_hold(hold, "again", pam)
    hold.refresh_from_db()
    assert hold.lift_reason == "answered"
    lifted = AuditEvent.objects.filter(kind=AuditEvent.Kind.LEGAL_HOLD,
                                       description__startswith="Legal hold lifted")  # fmt: skip
    assert lifted.count() == 1
    # A new hold can be placed once the old one is lifted.
    retention.place_hold(project, "new claim", pam)
    assert LegalHold.objects.count() == 2


def test_hold_reasons_names_and_rule_reasons_are_escaped_on_the_page(pam, client_for, alice, bob):
    evil = '<script>alert(1)</script><img src=x onerror="alert(2)">'
    target = ProjectFactory(code="EVIL.1", name=evil, manager=alice, sponsor=bob)
    ReportFactory(project=target, period_start=datetime.date(2020, 1, 1))
    hold = retention.place_hold(target, evil, pam)
    retention.lift_hold(hold, evil, pam)
    retention.place_hold(target, evil, pam)
    set_rule("unapproved_reports", reason=evil)
    page = client_for(pam).get(reverse("projects:retention")).content.decode()
    assert "<script>alert(1)" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize("amount", ["0", "-1", "1000", "100000", "1e3", ""])
def test_absurd_periods_are_refused(amount, pam, client_for):
    client = client_for(pam)
    url = reverse("projects:retention-rule", args=["approved_reports"])
    seen = client.get(url).context["form"]["seen"].value()
    response = client.post(url, {"amount": amount, "unit": "years", "reason": "x",
                                 "active": "on", "seen": seen})  # fmt: skip
    assert response.status_code == 200
    assert RetentionRule.objects.get(records="approved_reports").amount == 6


def test_a_tampered_unit_is_refused(pam, client_for):
    client = client_for(pam)
    url = reverse("projects:retention-rule", args=["imports"])
    seen = client.get(url).context["form"]["seen"].value()
    client.post(url, {"amount": "5", "unit": "centuries", "reason": "x", "seen": seen})
    assert RetentionRule.objects.get(records="imports").unit == "days"


def test_an_unknown_rule_is_a_404(pam, client_for):
    url = reverse("projects:retention-rule", args=["audit"])
    assert client_for(pam).get(url).status_code == 404


def test_the_longest_period_allowed_neither_crashes_the_page_nor_the_run(
    project, pam, client_for, capture
):
    for key in retention.KINDS:
        set_rule(key, amount=999, unit="years")
    ReportFactory(project=project, period_start=datetime.date(1990, 1, 1))
    closed(project, datetime.date(1990, 1, 2))
    assert client_for(pam).get(reverse("projects:retention")).status_code == 200
    assert set(run(capture).values()) == {0}


@pytest.mark.parametrize(
    ("closed_day", "before", "on"),
    [
        (datetime.date(2024, 2, 29), datetime.date(2025, 2, 27), datetime.date(2025, 2, 28)),
        (datetime.date(2023, 3, 31), datetime.date(2024, 3, 30), datetime.date(2024, 3, 31)),
        (datetime.date(2024, 12, 31), datetime.date(2025, 12, 30), datetime.date(2025, 12, 31)),
    ],
)
def test_year_ends_and_29_february_fall_due_on_the_right_day(closed_day, before, on, capture):
    set_rule("closed_risks", amount=1, unit="years")
    risk = RiskFactory(status=Risk.Status.CLOSED)
    Risk.objects.filter(pk=risk.pk).update(closed_on=closed_day)
    assert run(capture, before)["closed_risks"] == 0
    assert run(capture, on)["closed_risks"] == 1


def test_month_ends_fall_due_on_the_shorter_months_last_day(project, capture):
    set_rule("unapproved_reports", amount=13, unit="months")
    ReportFactory(project=project, period_start=datetime.date(2024, 1, 1))  # ends 31 Jan
    assert run(capture, datetime.date(2025, 2, 27))["unapproved_reports"] == 0
    assert run(capture, datetime.date(2025, 2, 28))["unapproved_reports"] == 1


def test_an_approved_report_of_an_open_project_under_a_closed_programme_stays(
    project, alice, bob, capture
):
    programme = ProgrammeFactory(code="PROG.3", name="Old programme")
    Project.objects.filter(pk=project.pk).update(parent=programme)
    project.refresh_from_db()
    report = approved_report(project, datetime.date(2015, 3, 1), alice, bob, capture)
    closed(programme, years_ago(9))
    run(capture)
    assert HighlightReport.objects.filter(pk=report.pk).exists()
    assert services.approved_copy("highlight_report", report) is not None


def test_a_reopened_project_keeps_its_reports_and_forgets_its_closing_day(
    project, alice, bob, capture
):
    report = approved_report(project, datetime.date(2015, 3, 1), alice, bob, capture)
    closed(project, years_ago(9))
    project.status = Project.Status.ACTIVE
    project.save(update_fields=["status"])
    project.refresh_from_db()
    assert project.closed_on is None
    run(capture)
    assert HighlightReport.objects.filter(pk=report.pk).exists()
    # Closed again today: six years from today, not from the first closing.
    project.status = Project.Status.CLOSED
    project.save()
    assert project.closed_on == TODAY
    run(capture)
    assert HighlightReport.objects.filter(pk=report.pk).exists()


def test_a_hold_on_a_programme_keeps_its_projects_draft_pdfs(project, pam, capture):
    programme = ProgrammeFactory(code="PROG.4", name="Libraries")
    Project.objects.filter(pk=project.pk).update(parent=programme)
    report = ReportFactory(project=project, period_start=datetime.date(2020, 1, 1))
    pdf = document("highlight_report", report, ago(200), "draft.pdf")
    retention.place_hold(programme, "Claim", pam)
    removed = run(capture)
    assert removed["unapproved_reports"] == 0 and removed["other_documents"] == 0
    assert Document.objects.filter(pk=pdf.pk).exists() and Path(pdf.file.path).exists()


def test_a_hold_on_a_plan_keeps_it_its_pdfs_and_its_uploads(pam, capture):
    plan = BusinessPlanFactory(year="2012-13", end=years_ago(10))
    pdf = document("business_plan", plan, ago(200), "plan.pdf")
    job = upload(pam, plan, 10, name="plan.xlsx")
    retention.place_hold(plan, "Ombudsman inquiry", pam)
    removed = run(capture)
    assert removed == dict.fromkeys(removed, 0)
    assert type(plan).objects.filter(pk=plan.pk).exists()
    assert Document.objects.filter(pk=pdf.pk).exists()
    assert ImportJob.objects.filter(pk=job.pk).exists() and uploads.file_of(job).exists()


def test_a_removed_plan_takes_its_uploads_and_their_files(pam, capture):
    plan = BusinessPlanFactory(year="2012-13", end=years_ago(10))
    job = upload(pam, plan, 2, name="plan.xlsx")  # young: goes with its plan all the same
    run(capture)
    assert not ImportJob.objects.filter(pk=job.pk).exists()
    assert not uploads.file_of(job).exists()


def test_a_removed_risks_many_to_many_history_goes_too(project, capture):
    """django-simple-history keeps Risk.treated_by's history in HistoricalRisk_treated_by,
    whose foreign key to the history row is DO_NOTHING without a database constraint. The
    run deletes the risk's history rows, but not these: rows naming the removed risk (and
    the actions that treated it) stay for ever, pointing at history that no longer exists.
    Fix: remove() must also delete the m2m history of each removed model
    (history.model's m2m_models, by history_id or by the record's id)."""
    from django.apps import apps

    register = RiskRegisterFactory(project=project)
    action = RaidItem.objects.create(project=project, kind="action", number=1, title="Act",
                                     raised_on=datetime.date(2018, 1, 1))  # fmt: skip
    risk = RiskFactory(register=register)
    risk.treated_by.add(action)
    risk.status = Risk.Status.CLOSED
    risk.save()
    Risk.objects.filter(pk=risk.pk).update(closed_on=years_ago(7))
    links = apps.get_model("risks", "HistoricalRisk_treated_by").objects.filter(risk_id=risk.pk)
    assert links.exists()

    run(capture)

    assert not Risk.objects.filter(pk=risk.pk).exists()
    assert not Risk.history.filter(id=risk.pk).exists()
    assert RaidItem.objects.filter(pk=action.pk).exists()
    assert not links.exists()


def test_a_reporting_run_survives_its_documents_being_removed(capture, pam, client_for):
    pack = document("board_pack", made=ago(365 * 7), name="pack.pdf")
    reporting_run = ReportingRun.objects.create(period=datetime.date(2018, 3, 1))
    reporting_run.documents.add(pack)
    run(capture)
    assert not Document.objects.filter(pk=pack.pk).exists()
    assert ReportingRun.objects.filter(pk=reporting_run.pk).exists()
    assert client_for(pam).get(reverse("projects:retention")).status_code == 200


def test_a_submitted_report_of_an_open_project_is_never_removed(project, alice, capture):
    report = ReportFactory(project=project, period_start=datetime.date(2020, 1, 1), rated=True)
    workflow.submit(report, alice)
    run(capture)
    assert HighlightReport.objects.filter(pk=report.pk).exists()


def test_the_approved_copy_survives_the_other_documents_rule_when_nothing_changed(
    project, alice, bob, capture
):
    report = approved_report(project, datetime.date(2024, 3, 1), alice, bob, capture)
    pdf = services.approved_copy("highlight_report", report)
    Document.objects.filter(pk=pdf.pk).update(requested_at=ago(4000))
    run(capture)
    assert Document.objects.filter(pk=pdf.pk).exists() and Path(pdf.file.path).exists()


def test_the_preview_page_stays_quick_with_thousands_due(project, pam, client_for):
    """2,000 stale drafts and 2,000 old PDFs of approved reports: the page answers in a
    bounded number of queries (its time is measured, not asserted: 0.37 s here)."""
    reports = HighlightReport.objects.bulk_create(
        HighlightReport(
            project=project,
            period_start=start,
            period_end=start,
            status=HighlightReport.Status.APPROVED if n % 2 else "draft",
            approved_snapshot={"n": n} if n % 2 else None,
        )  # fmt: skip
        for n, start in enumerate(datetime.date(1800 + n // 12, n % 12 + 1, 1) for n in range(2000))
    )
    report_type = ContentType.objects.get_for_model(HighlightReport)
    Document.objects.bulk_create(
        Document(
            kind="highlight_report",
            params={"n": r.pk},
            params_key=str(r.pk),
            fingerprint="a" * 64,
            status="done",
            source_type=report_type,
            source_id=r.pk,
            file=f"documents/{r.pk}/1/x.pdf",
        )  # fmt: skip
        for r in reports
    )
    Document.objects.update(requested_at=ago(200))
    client = client_for(pam)
    client.get(reverse("projects:retention"))  # rules created, caches warm
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("projects:retention"))
    assert "and 950 more" in response.content.decode()
    assert len(queries) < 60

"""The retention schedule (issue 22, point 1): each rule removes exactly what it should, with
its history, its documents and their files; a legal hold stops it; the run says in the
audit what went and why; the PMO's page shows what goes in the next 30 days."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from businessplan.models import Activity, BusinessPlan
from projects import retention, uploads, workflow
from projects.models import (
    AuditEvent,
    HighlightReport,
    ImportJob,
    LegalHold,
    Project,
    RagRating,
    RetentionRule,
)
from reports import services
from reports.models import Document
from risks.models import Risk, RiskReview
from tests.factories import (
    ActivityFactory,
    BusinessPlanFactory,
    ProgrammeFactory,
    ReportFactory,
    RiskFactory,
    RiskRegisterFactory,
    RiskReviewFactory,
    SectionFactory,
)
from tests.retention import TODAY, ago, approved_report, closed, document, file_of, run, years_ago

pytestmark = pytest.mark.django_db


def history_of(model, pk):
    return model.history.model.objects.filter(id=pk)


@pytest.fixture(autouse=True)
def schedule_in_force():
    """The schedule has been in force for years: its notice (NOTICE_DAYS) is long past."""
    retention.schedule()
    RetentionRule.objects.update(in_force_from=datetime.date(2000, 1, 1))


@pytest.fixture
def capture(django_capture_on_commit_callbacks):
    return django_capture_on_commit_callbacks


def test_approved_reports_go_six_years_after_the_project_closed_with_their_pdf(
    project, other_project, alice, bob, charlie, dave, capture
):
    old = approved_report(project, datetime.date(2019, 3, 1), alice, bob, capture)
    kept_open = approved_report(other_project, datetime.date(2019, 3, 1), charlie, dave, capture)
    pdf = services.approved_copy("highlight_report", old)
    assert pdf is not None and file_of(pdf).exists()
    closed(project, years_ago(6, days=1))

    removed = run(capture)

    assert removed["approved_reports"] == 1
    assert not HighlightReport.objects.filter(pk=old.pk).exists()
    assert not RagRating.objects.filter(report_id=old.pk).exists()
    # The report's history, and its ratings', go with it; so does its PDF and its file.
    assert not history_of(HighlightReport, old.pk).exists()
    assert not RagRating.history.model.objects.filter(report_id=old.pk).exists()
    assert not Document.objects.filter(pk=pdf.pk).exists()
    assert not file_of(pdf).exists()
    # The project stays; a report of a project still running stays, with its PDF.
    assert Project.objects.filter(pk=project.pk).exists()
    assert HighlightReport.objects.filter(pk=kept_open.pk).exists()
    assert services.approved_copy("highlight_report", kept_open) is not None


def test_a_project_closed_under_six_years_ago_keeps_its_reports(project, alice, bob, capture):
    report = approved_report(project, datetime.date(2020, 3, 1), alice, bob, capture)
    closed(project, years_ago(6) + datetime.timedelta(days=1))
    assert run(capture)["approved_reports"] == 0
    assert HighlightReport.objects.filter(pk=report.pk).exists()


def test_unapproved_reports_go_a_year_after_their_month_but_a_submitted_one_waits(
    project, alice, capture
):
    stale = ReportFactory(project=project, period_start=datetime.date(2020, 1, 1))
    returned = ReportFactory(project=project, period_start=datetime.date(2020, 2, 1),
                             status=HighlightReport.Status.RETURNED)  # fmt: skip
    waiting = ReportFactory(project=project, period_start=datetime.date(2020, 3, 1), rated=True)
    workflow.submit(waiting, alice)
    month = TODAY.replace(day=1) - datetime.timedelta(days=200)
    recent = ReportFactory(project=project, period_start=month.replace(day=1))
    draft_pdf = document("highlight_report", stale, name="draft.pdf")

    assert run(capture)["unapproved_reports"] == 2

    left = set(HighlightReport.objects.values_list("pk", flat=True))
    assert left == {waiting.pk, recent.pk}
    assert not history_of(HighlightReport, returned.pk).exists()
    assert not Document.objects.filter(pk=draft_pdf.pk).exists()
    assert not file_of(draft_pdf).exists()


def test_other_documents_go_after_90_days_but_never_a_reports_approved_copy(
    project, alice, bob, capture
):
    report = approved_report(project, datetime.date(2024, 3, 1), alice, bob, capture)
    approved_pdf = services.approved_copy("highlight_report", report)
    Document.objects.filter(pk=approved_pdf.pk).update(requested_at=ago(400))
    register = RiskRegisterFactory()
    old_register_pdf = document("risk_register", register, ago(91), "old.pdf")
    new_register_pdf = document("risk_register", register, ago(89), "new.pdf")
    draft_pdf = document("highlight_report", report, ago(300),
                         "draft-of-approved.pdf", fingerprint="0" * 64)  # fmt: skip
    old_pack = document("board_pack", made=ago(400), name="pack.pdf")

    assert run(capture)["other_documents"] == 2

    assert set(Document.objects.values_list("pk", flat=True)) == {
        approved_pdf.pk,
        new_register_pdf.pk,
        old_pack.pk,
    }
    assert file_of(approved_pdf).exists() and not file_of(old_register_pdf).exists()
    assert not file_of(draft_pdf).exists()


def test_board_packs_go_six_years_after_they_were_made(capture):
    old = document("board_pack", made=ago(365 * 6 + 2), name="old.pdf")
    young = document("board_pack", made=ago(365 * 5), name="young.pdf")
    assert run(capture)["board_packs"] == 1
    assert list(Document.objects.values_list("pk", flat=True)) == [young.pk]
    assert not file_of(old).exists() and file_of(young).exists()


def test_closed_risks_go_with_their_reviews_and_history(capture):
    register = RiskRegisterFactory()
    old = RiskFactory(register=register, status=Risk.Status.CLOSED)
    RiskReviewFactory(risk=old)
    Risk.objects.filter(pk=old.pk).update(closed_on=years_ago(6, days=1))
    recent = RiskFactory(register=register, status=Risk.Status.CLOSED)
    still_open = RiskFactory(register=register)

    assert run(capture)["closed_risks"] == 1

    assert set(Risk.objects.values_list("pk", flat=True)) == {recent.pk, still_open.pk}
    assert not RiskReview.objects.filter(risk_id=old.pk).exists()
    assert not history_of(Risk, old.pk).exists()
    assert not RiskReview.history.model.objects.filter(risk_id=old.pk).exists()


def test_a_risk_records_the_day_it_closed_and_forgets_it_when_reopened():
    risk = RiskFactory()
    assert risk.closed_on is None
    risk.status = Risk.Status.CLOSED
    risk.save()
    assert risk.closed_on == TODAY
    risk.status = Risk.Status.OPEN
    risk.save(update_fields=["status"])
    risk.refresh_from_db()
    assert risk.closed_on is None


def test_business_plans_go_six_years_after_their_year_with_their_documents(capture):
    old = BusinessPlanFactory(year="2018-19", end=years_ago(6, days=1))
    ActivityFactory(section=SectionFactory(plan=old))
    undated = BusinessPlanFactory(year=f"{TODAY.year - 3}-{(TODAY.year - 2) % 100:02d}")
    pdf = document("business_plan", old, timezone.now(), "plan.pdf")

    assert run(capture)["business_plans"] == 1

    assert list(BusinessPlan.objects.values_list("pk", flat=True)) == [undated.pk]
    assert not Activity.objects.exists()
    assert not history_of(BusinessPlan, old.pk).exists()
    assert not Document.objects.filter(pk=pdf.pk).exists() and not file_of(pdf).exists()


def test_uploads_go_after_a_week_with_their_files(pam, capture, media_root):
    register = RiskRegisterFactory()
    jobs = []
    for age in (8, 6):
        job = ImportJob.objects.create(
            owner=pam, importer="risks.importers.RegisterImporter", name=f"{age}.xlsx",
            target_type=ContentType.objects.get_for_model(register), target_id=register.pk,
            status=ImportJob.Status.DONE,
        )  # fmt: skip
        ImportJob.objects.filter(pk=job.pk).update(created_at=ago(age))
        uploads.file_of(job).parent.mkdir(parents=True, exist_ok=True)
        uploads.file_of(job).write_bytes(b"PK")
        jobs.append(job)

    assert run(capture)["imports"] == 1

    assert list(ImportJob.objects.values_list("pk", flat=True)) == [jobs[1].pk]
    assert not uploads.file_of(jobs[0]).exists() and uploads.file_of(jobs[1]).exists()


def test_a_legal_hold_on_the_programme_keeps_its_projects_reports_until_lifted(
    project, alice, bob, pam, capture
):
    programme = ProgrammeFactory(code="PROG.1", name="Libraries")
    Project.objects.filter(pk=project.pk).update(parent=programme)
    project.refresh_from_db()
    report = approved_report(project, datetime.date(2019, 3, 1), alice, bob, capture)
    closed(project, years_ago(7))
    hold = retention.place_hold(programme, "Claim 2026/114 by the contractor", pam)

    assert run(capture)["approved_reports"] == 0
    assert HighlightReport.objects.filter(pk=report.pk).exists()
    event = AuditEvent.objects.filter(kind=AuditEvent.Kind.RETENTION).first()
    assert "1 held by a legal hold and kept" in event.description

    assert retention.lift_hold(hold, "Claim settled", pam)
    assert run(capture)["approved_reports"] == 1
    assert not HighlightReport.objects.filter(pk=report.pk).exists()
    holds = AuditEvent.objects.filter(kind=AuditEvent.Kind.LEGAL_HOLD).order_by("at", "pk")
    assert [e.description for e in holds] == [
        "Legal hold placed: Claim 2026/114 by the contractor",
        "Legal hold lifted: Claim settled",
    ]


def test_a_hold_on_a_register_keeps_its_closed_risks_and_its_pdfs(pam, capture):
    register = RiskRegisterFactory()
    risk = RiskFactory(register=register, status=Risk.Status.CLOSED)
    Risk.objects.filter(pk=risk.pk).update(closed_on=years_ago(10))
    pdf = document("risk_register", register, ago(200))
    retention.place_hold(register, "Inquest", pam)

    removed = run(capture)

    assert removed["closed_risks"] == 0 and removed["other_documents"] == 0
    assert Risk.objects.filter(pk=risk.pk).exists() and file_of(pdf).exists()


def test_the_audit_says_what_went_and_why(project, capture):
    ReportFactory(project=project, period_start=datetime.date(2020, 1, 1))
    run(capture)
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.RETENTION)
    assert event.description.startswith(
        "Highlight reports never approved (drafts and returned reports), kept 1 year after the "
        "end of the month they report on: removed 1 (TEST.1 January 2020). Why: A report "
        "nobody approved is a working paper"
    )


def test_a_rule_switched_off_removes_nothing(project, capture):
    report = ReportFactory(project=project, period_start=datetime.date(2020, 1, 1))
    retention.schedule()
    RetentionRule.objects.filter(records="unapproved_reports").update(active=False)
    assert run(capture)["unapproved_reports"] == 0
    assert HighlightReport.objects.filter(pk=report.pk).exists()


def test_a_longer_period_keeps_what_the_default_would_remove(project, capture):
    report = ReportFactory(project=project, period_start=years_ago(2).replace(day=1))
    retention.schedule()
    RetentionRule.objects.filter(records="unapproved_reports").update(amount=3)
    assert run(capture)["unapproved_reports"] == 0
    assert HighlightReport.objects.filter(pk=report.pk).exists()


def test_a_new_or_changed_rule_removes_nothing_until_listed_for_30_days(
    project, pam, client_for, capture
):
    report = ReportFactory(project=project, period_start=datetime.date(2020, 1, 1))
    url = reverse("projects:retention-rule", args=["unapproved_reports"])
    seen = client_for(pam).get(url).context["form"]["seen"].value()
    client_for(pam).post(url, {"amount": "6", "unit": "months", "active": "on",
                               "reason": "Shorter", "seen": seen})  # fmt: skip
    assert RetentionRule.objects.get(records="unapproved_reports").in_force_from == TODAY

    assert run(capture)["unapproved_reports"] == 0
    page = client_for(pam).get(reverse("projects:retention")).content.decode()
    assert f"TEST.1 January 2020</a>: due {TODAY + datetime.timedelta(days=30):%-d %b %Y}" in page
    assert run(capture, TODAY + datetime.timedelta(days=29))["unapproved_reports"] == 0
    assert run(capture, TODAY + datetime.timedelta(days=30))["unapproved_reports"] == 1
    assert not HighlightReport.objects.filter(pk=report.pk).exists()


# --- The PMO's page -----------------------------------------------------------------------


def test_the_page_lists_what_goes_in_the_next_30_days_and_what_is_held(
    project, other_project, pam, client_for
):
    end_of_month = TODAY.replace(day=1) - datetime.timedelta(days=1)
    soon = ReportFactory(project=project, period_start=years_ago(1, days=-20).replace(day=1))
    later = ReportFactory(project=project, period_start=years_ago(1, days=-45).replace(day=1))
    held = ReportFactory(project=other_project, period_start=datetime.date(2020, 1, 1))
    retention.place_hold(other_project, "Audit Scotland review", pam)
    assert end_of_month  # the months above end after today, a year ago

    page = client_for(pam).get(reverse("projects:retention")).content.decode()

    assert str(soon) in page
    assert str(later) not in page
    assert "OTHER.2 January 2020</a>: due " in page
    assert "kept while the hold on OTHER.2 Depot Move is on" in page
    assert "Audit Scotland review" in page
    # The lines a setting decides are on the schedule too.
    assert "Leavers&#x27; names, email addresses and job titles" in page
    assert HighlightReport.objects.filter(pk__in=[soon.pk, later.pk, held.pk]).count() == 3


def test_the_pmo_changes_a_rule_and_the_audit_records_it(pam, client_for):
    client = client_for(pam)
    url = reverse("projects:retention-rule", args=["imports"])
    form = client.get(url).context["form"]
    response = client.post(url, {"amount": "30", "unit": "days", "reason": "Our policy",
                                 "active": "on", "seen": form["seen"].value()})  # fmt: skip
    assert response.status_code == 302
    rule = RetentionRule.objects.get(records="imports")
    assert (rule.amount, rule.unit, rule.reason, rule.changed_by) == (30, "days", "Our policy", pam)
    event = AuditEvent.objects.get(kind=AuditEvent.Kind.RETENTION_RULE)
    assert event.description == (
        "Uploaded spreadsheets and their previews: kept 7 days before, 30 days now. Why: Our policy"
    )
    # Someone saving over it with an old form changes nothing.
    stale = client.post(url, {"amount": "1", "unit": "days", "reason": "x", "active": "on",
                              "seen": form["seen"].value()})  # fmt: skip
    assert "Someone else saved this after you opened it" in stale.content.decode()
    assert RetentionRule.objects.get(records="imports").amount == 30


def test_a_rule_needs_a_period_and_a_reason(pam, client_for):
    client = client_for(pam)
    url = reverse("projects:retention-rule", args=["imports"])
    seen = client.get(url).context["form"]["seen"].value()
    response = client.post(url, {"amount": "0", "unit": "days", "reason": "  ", "seen": seen})
    page = response.content.decode()
    assert "Ensure this value is greater than or equal to 1." in page
    assert "This field is required." in page
    assert RetentionRule.objects.get(records="imports").amount == 7


def test_a_hold_is_placed_and_lifted_from_the_page(project, pam, client_for):
    client = client_for(pam)
    key = "{}:{}".format(*retention.hold_key(project))
    client.post(reverse("projects:legal-hold-place"), {"target": key, "reason": "FOI 2026-77"})
    hold = LegalHold.objects.get()
    assert (hold.target, hold.reason, hold.placed_by) == (project, "FOI 2026-77", pam)
    assert hold.is_live
    again = client.post(reverse("projects:legal-hold-place"), {"target": key, "reason": "Twice"})
    assert "is already held: lift that hold first" in again.content.decode()
    assert LegalHold.objects.count() == 1

    client.post(reverse("projects:legal-hold-lift", args=[hold.pk]), {"reason": " "})
    hold.refresh_from_db()
    assert hold.is_live
    client.post(reverse("projects:legal-hold-lift", args=[hold.pk]), {"reason": "Answered"})
    hold.refresh_from_db()
    assert (hold.is_live, hold.lifted_by, hold.lift_reason) == (False, pam, "Answered")


def test_the_command_previews_without_removing(project, capsys):
    report = ReportFactory(project=project, period_start=datetime.date(2020, 1, 1))
    call_command("apply_retention", "--preview")
    out = capsys.readouterr().out
    assert "Highlight reports never approved (drafts and returned reports) (kept 1 year" in out
    assert "2021-01-31 TEST.1 January 2020" in out
    assert HighlightReport.objects.filter(pk=report.pk).exists()
    call_command("apply_retention")
    assert not HighlightReport.objects.filter(pk=report.pk).exists()


def test_the_privacy_notice_reads_its_periods_from_the_schedule(client, project):
    retention.schedule()
    RetentionRule.objects.filter(records="approved_reports").update(amount=8)
    page = client.get(reverse("projects:privacy")).content.decode()
    assert "Approved highlight reports and their PDFs: 8 years after the project closed" in page

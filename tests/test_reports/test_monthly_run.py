import datetime

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from projects.models import AuditEvent, HighlightReport
from reports.models import Document, ReportingRun
from reports.runs import run_month
from reports.tasks import monthly_reporting_run
from reports.worker import render_document
from tests.factories import MonthlyRunFactory


@pytest.fixture
def seeded(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", allow_live=True, samples_only=True)


@pytest.fixture
def sent(monkeypatch):
    """The render messages sent to the broker, as (document pk, queue, priority), instead
    of sending them."""
    messages = []
    monkeypatch.setattr(
        "reports.worker.render_document.apply_async",
        lambda args, queue, priority: messages.append((args[0], queue, priority)),
    )
    return messages


def render_all():
    for document in Document.objects.filter(status=Document.Status.QUEUED):
        render_document.apply(args=[document.pk])


def test_running_the_month_twice_makes_each_document_once(
    seeded, diana, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = run_month(datetime.date(2011, 11, 1))
    render_all()
    kinds = sorted(first.documents.values_list("kind", "params"), key=str)
    # SIB's approved November report, the risk register, the CAP programme pack, the portfolio
    assert [k for k, _ in kinds].count("board_pack") == 2
    assert ("highlight_report", {"project": "SIB", "period": "2011-11"}) in kinds
    before = set(Document.objects.values_list("pk", flat=True))
    with django_capture_on_commit_callbacks(execute=True):
        second = run_month(datetime.date(2011, 11, 1))
    assert second.pk == first.pk
    assert set(Document.objects.values_list("pk", flat=True)) == before


def test_a_change_after_the_run_re_renders_only_what_it_touches(
    seeded, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = run_month(datetime.date(2011, 11, 1))
    render_all()
    before = {(d.kind, d.params_key): d.pk for d in run.documents.all()}
    # The PMO reopens and the sponsor re-approves SIB November with a new summary.
    from projects import workflow
    from projects.models import User

    report = HighlightReport.objects.get(project__code="SIB", period_start="2011-11-01")
    workflow.reopen(report, User.objects.get(username="pmo"), "Typo in the summary")
    report.summary = "Corrected summary"
    report.save()
    report.ratings.update(comment="As the improvement plan says")
    workflow.submit(report, User.objects.get(username="pmo"))
    workflow.approve(report, User.objects.get(username="clair.pyper"))
    with django_capture_on_commit_callbacks(execute=True):
        run = run_month(datetime.date(2011, 11, 1))
    after = {(d.kind, d.params_key): d.pk for d in Document.objects.filter(runs=run)}
    changed = {key for key in after if after[key] != before.get(key)}
    assert changed == {
        ("highlight_report", '{"period":"2011-11","project":"SIB"}'),
        ("board_pack", '{"period":"2011-11","programme":""}'),  # the portfolio holds SIB
    }


def test_directors_are_told_once_when_the_month_is_ready(
    seeded, diana, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False):  # queued, not yet rendered
        run = run_month(datetime.date(2011, 11, 1))
    assert mail.outbox == []  # not ready yet
    for document in run.documents.all():
        render_document.apply(args=[document.pk])
    ready = [m for m in mail.outbox if "are ready" in m.subject]
    assert len(ready) == 1
    assert ready[0].subject == "[OFFICIAL] Board packs and reports for November 2011 are ready"
    assert sorted(ready[0].to) == ["diana@example.org", "director@example.org"]
    assert "/documents/" in ready[0].body
    run_month(datetime.date(2011, 11, 1))
    assert len([m for m in mail.outbox if "are ready" in m.subject]) == 1


def test_the_daily_task_runs_on_the_day_the_pmo_set(seeded):
    MonthlyRunFactory(day_of_month=12)
    with time_machine.travel(datetime.datetime(2011, 12, 11, 6, 0)):
        assert monthly_reporting_run.apply().result == "not today"
    with time_machine.travel(datetime.datetime(2011, 12, 12, 6, 0)):
        assert "for November 2011" in monthly_reporting_run.apply().result
    assert ReportingRun.objects.get().period == datetime.date(2011, 11, 1)


def test_board_packs_go_to_their_own_queue_and_the_run_behind_peoples_requests(
    seeded, sent, django_capture_on_commit_callbacks, diana
):
    """Packs go to "pdf-large"; on each queue the run's documents wait behind what people
    ask for (priority 9, after 0), and one of them someone asks for goes to the front."""
    from reports import services

    with django_capture_on_commit_callbacks(execute=True):
        run = run_month(datetime.date(2011, 11, 1))
    kinds = {pk: Document.objects.get(pk=pk).kind for pk, _, _ in sent}
    queues = {kinds[pk]: queue for pk, queue, _ in sent}
    assert queues == {"board_pack": "pdf-large", "risk_register": "default"}
    assert {priority for _, _, priority in sent} == {services.BACKGROUND_PRIORITY}
    made = run.documents.filter(requested_by__isnull=True)  # the rest were made on approval
    assert sorted(pk for pk, _, _ in sent) == sorted(made.values_list("pk", flat=True))
    sent.clear()
    register = run.documents.get(kind="risk_register")
    with django_capture_on_commit_callbacks(execute=True):
        asked = services.request_document(register.kind, register.params, diana)
    assert asked == register and sent == [(register.pk, "default", services.PEOPLE_PRIORITY)]
    Document.objects.filter(pk=register.pk).update(status="running")
    sent.clear()
    with django_capture_on_commit_callbacks(execute=True):  # being made: nothing to hurry
        services.request_document(register.kind, register.params, diana)
    assert sent == []


def test_a_run_on_a_later_day_renders_nothing_new(seeded, django_capture_on_commit_callbacks):
    with (
        time_machine.travel(datetime.datetime(2012, 1, 10, 6)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        run_month(datetime.date(2011, 11, 1))
    before = set(Document.objects.values_list("pk", flat=True))
    with (
        time_machine.travel(datetime.datetime(2012, 1, 11, 6)),
        django_capture_on_commit_callbacks(execute=True),
    ):
        run_month(datetime.date(2011, 11, 1))
    assert set(Document.objects.values_list("pk", flat=True)) == before


def test_a_retried_failure_still_lets_the_directors_be_told(
    seeded, client_for, diana, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        run = run_month(datetime.date(2011, 11, 1))
    register_pdf = run.documents.get(kind="risk_register")
    Document.objects.filter(pk=register_pdf.pk).update(status="failed", error="Out of memory")
    with django_capture_on_commit_callbacks(execute=False):
        client_for(diana).post(reverse("reports:document-retry", args=[register_pdf.pk]))
    mail.outbox.clear()
    for pk in Document.objects.filter(status="queued").values_list("pk", flat=True):
        render_document.apply(args=[pk])
    run.refresh_from_db()
    assert run.notified_at is not None
    assert len([m for m in mail.outbox if "are ready" in m.subject]) == 1


RUN_NOW = "reports:monthly-run-start"


def test_the_pmo_runs_a_month_from_the_documents_page(
    seeded, client_for, django_capture_on_commit_callbacks
):
    from projects.models import User

    pmo = client_for(User.objects.get(username="pmo"))
    page = pmo.get(reverse("reports:document-list")).content.decode()
    assert "No month has been run yet." in page and "Run it now" in page
    with django_capture_on_commit_callbacks(execute=True):
        pmo.post(reverse(RUN_NOW), {"period": "2011-11"})
    run = ReportingRun.objects.get()
    assert run.period == datetime.date(2011, 11, 1)
    kinds = sorted(run.documents.values_list("kind", flat=True))
    assert kinds.count("board_pack") == 2 and "highlight_report" in kinds
    page = pmo.get(reverse("reports:document-list")).content.decode()
    assert "The run for November 2011 has started" in page
    assert "The latest run is for <strong>November 2011</strong>" in page
    assert "4 of 4 documents done." in page and "The directors were told on" in page
    # One still waiting, one failed: said as such.
    Document.objects.filter(pk=run.documents.first().pk).update(status="failed")
    Document.objects.filter(pk=run.documents.last().pk).update(status="queued")
    page = pmo.get(reverse("reports:document-list")).content.decode()
    assert "2 of 4 documents done" in page and "1 failed" in page
    assert "1 waiting or rendering" in page


def test_only_the_pmo_may_start_a_run(seeded, client_for, diana):
    director = client_for(diana)
    assert "Run it now" not in director.get(reverse("reports:document-list")).content.decode()
    assert director.post(reverse(RUN_NOW), {"period": "2011-11"}).status_code == 403
    assert not ReportingRun.objects.exists()


@pytest.mark.parametrize(
    ("period", "why"),
    [("this month", "That month has not ended yet"), ("", "This field is required"),
     ("2001-11", "Highlight has no report for that month (the first is for"),
     ("November", "Enter a valid date")],
)  # fmt: skip
def test_a_month_that_cannot_be_run_starts_nothing(seeded, client_for, period, why):
    from projects.models import User

    pmo = client_for(User.objects.get(username="pmo"))
    if period == "this month":
        period = f"{timezone.localdate():%Y-%m}"
    documents = Document.objects.count()
    response = pmo.post(reverse(RUN_NOW), {"period": period}, follow=True)
    assert f"No run was started: {why}" in response.content.decode()
    assert not ReportingRun.objects.exists() and Document.objects.count() == documents


def test_a_queue_that_does_not_answer_is_said_and_starts_nothing(seeded, client_for, monkeypatch):
    from projects.models import User

    def refuse(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr("reports.views.monthly_reporting_run.apply_async", refuse)
    pmo = client_for(User.objects.get(username="pmo"))
    response = pmo.post(reverse(RUN_NOW), {"period": "2011-11"}, follow=True)
    assert "the workers&#x27; queue did not answer" in response.content.decode()
    assert not ReportingRun.objects.exists()
    # The press is in the audit, and that it failed.
    (event,) = AuditEvent.objects.filter(kind=AuditEvent.Kind.MONTHLY_RUN).order_by("at")[1:]
    assert event.outcome == AuditEvent.Outcome.FAILURE
    assert "did not answer, so it did not start" in event.description


def test_a_queue_that_failed_does_not_hold_up_the_next_try(seeded, client_for, monkeypatch):
    """The month is claimed before the queue is asked: a failure gives the claim back."""
    from projects.models import User

    answers = []

    def queue(kwargs):
        if not answers.pop(0):
            raise ConnectionError("Redis is down")

    monkeypatch.setattr("reports.views.monthly_reporting_run.apply_async", queue)
    pmo = client_for(User.objects.get(username="pmo"))
    start = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
    for minutes, works, said in ((0, True, "has started"), (6, False, "did not answer"),
                                 (7, True, "has started")):  # fmt: skip
        answers.append(works)
        with time_machine.travel(start + datetime.timedelta(minutes=minutes), tick=False):
            page = pmo.post(reverse(RUN_NOW), {"period": "2011-11"}, follow=True)
        assert said in page.content.decode(), minutes
    assert ReportingRun.objects.get().last_run_at == start + datetime.timedelta(minutes=7)


def test_the_time_it_can_start_again_is_never_already_past(seeded, client_for, monkeypatch):
    from projects.models import User

    monkeypatch.setattr("reports.views.monthly_reporting_run.apply_async", lambda kwargs: None)
    pmo = client_for(User.objects.get(username="pmo"))
    start = datetime.datetime(2026, 7, 1, 9, 0, 40, tzinfo=datetime.UTC)  # 10:00:40 in London
    with time_machine.travel(start, tick=False):
        pmo.post(reverse(RUN_NOW), {"period": "2011-11"})
    with time_machine.travel(start + datetime.timedelta(minutes=4, seconds=50), tick=False):
        page = pmo.post(reverse(RUN_NOW), {"period": "2011-11"}, follow=True).content.decode()
    assert "It can be started again from 10:06." in page


def test_a_run_started_moments_ago_is_not_started_again_and_each_start_is_audited(
    seeded, client_for, monkeypatch
):
    """Two PMOs pressing Run it now together would each have every document asked for: the
    second is told it has started, and nothing more is queued, until five minutes pass."""
    from projects.models import User

    queued = []
    monkeypatch.setattr(
        "reports.views.monthly_reporting_run.apply_async",
        lambda kwargs: queued.append(kwargs["period"]),
    )
    pmo = client_for(User.objects.get(username="pmo"))
    start = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
    for minutes, started in ((0, True), (1, False), (4, False), (6, True)):
        with time_machine.travel(start + datetime.timedelta(minutes=minutes), tick=False):
            page = pmo.post(reverse(RUN_NOW), {"period": "2011-11"}, follow=True)
        page = page.content.decode()
        assert ("The run for November 2011 has started" in page) == started, minutes
        if not started:
            assert "The run for November 2011 was started moments ago" in page
            assert "It can be started again from 09:05" in page  # London is on GMT
    assert queued == ["2011-11-01", "2011-11-01"]
    # Started, not yet asked for by the workers: said so, not "0 of 0 documents done".
    page = pmo.get(reverse("reports:document-list")).content.decode()
    assert "the workers are asking for its documents." in page and "0 of 0" not in page
    events = AuditEvent.objects.filter(kind=AuditEvent.Kind.MONTHLY_RUN).order_by("at")
    assert [(e.actor_name, e.description) for e in events] == [
        ("pmo", "Run it now for November 2011."),
    ] * 2
    assert events[0].object_repr == "Reporting run for November 2011"


def test_the_sweep_sends_a_run_still_waiting_its_turn_again_only_now_and_then(
    seeded, sent, django_capture_on_commit_callbacks, diana
):
    """A document queued long may have lost its message (a Redis restart), or be waiting
    behind a month's run: one more message every ten minutes, at the priority it was asked
    with, not one a minute ahead of what people ask for (the soak's finding)."""
    from reports import services, tasks

    start = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            run = run_month(datetime.date(2011, 11, 1))
            register = run.documents.get(kind="risk_register")
            report = services.request_document(
                "highlight_report", {"project": "SORPv.1", "period": "2011-08"}, diana
            )
        waiting = run.documents.filter(status="queued").count()
        assert len(sent) == waiting + 1
    for minutes, expected in ((9, 0), (11, waiting + 1), (12, 0), (20, 0), (22, waiting + 1)):
        sent.clear()
        with time_machine.travel(start + datetime.timedelta(minutes=minutes), tick=False):
            assert tasks.requeue_stalled_documents() == expected, minutes
    priorities = {pk: priority for pk, _, priority in sent}
    assert priorities[register.pk] == services.BACKGROUND_PRIORITY
    assert priorities[report.pk] == services.PEOPLE_PRIORITY


def test_a_dead_workers_document_is_sent_again_once_its_lease_has_run_out(
    seeded, sent, django_capture_on_commit_callbacks, diana
):
    from reports import services, tasks

    start = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            document = services.request_document(
                "highlight_report", {"project": "SORPv.1", "period": "2011-08"}, diana
            )
        lease = start + datetime.timedelta(minutes=5)
        Document.objects.filter(pk=document.pk).update(
            status="running", attempts=1, lease_expires=lease
        )
    sent.clear()
    for minutes, expected in ((4, 0), (6, 1), (7, 0), (30, 0)):
        with time_machine.travel(start + datetime.timedelta(minutes=minutes), tick=False):
            assert tasks.requeue_stalled_documents() == expected, minutes
    assert sent == [(document.pk, "default", services.PEOPLE_PRIORITY)]

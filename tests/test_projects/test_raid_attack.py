"""A hostile review of the RAID log (issue 20). Each test states what the product should do
and fails against the RAID log as first built; FINDINGS.md says how to reproduce each."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects import workflow
from projects.models import RaidItem
from projects.reminders import send_reminders
from reports.services import render_source
from tests.factories import ProgrammeFactory, ReportFactory, rate
from tests.forms import read_form
from tests.pdf import pdf_text

D = datetime.date


def item(project, kind, title, number, **fields):
    fields.setdefault("raised_on", D(2024, 1, 8))
    return RaidItem.objects.create(project=project, kind=kind, title=title, number=number,
                                   **fields)  # fmt: skip


def add(client, project, **fields):
    url = reverse("projects:raid-new", args=[project.code])
    form = read_form(client, url)
    form.fields.update({name: str(value) for name, value in fields.items()})
    return client.post(url, form.fields)


# --- Words ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_dependencies_are_called_dependencies_not_dependencys(client, project, other_project,
                                                              alice):  # fmt: skip
    """The kind's plural is made by adding "s": "Dependencys" on the log's filter, the
    report page and the PDF."""
    item(project, "dependency", "Depot handover", 1, depends_on=other_project)
    report = ReportFactory(project=project, period_start=D(2024, 3, 1), rated=True,
                           report_date=D(2024, 3, 28))  # fmt: skip
    client.force_login(alice)
    pages = [client.get(reverse("projects:raid", args=[project.code])).content.decode(),
             client.get(report.get_absolute_url()).content.decode()]  # fmt: skip
    for page in pages:
        assert "Dependencys" not in page
        assert "Dependencies" in page


# --- What a report prints ------------------------------------------------------------------


@pytest.mark.django_db
def test_a_report_does_not_print_items_raised_after_its_date_of_update(client, project, alice,
                                                                       bob):  # fmt: skip
    """The commit says "reports print the open items as at their date of update": a March report
    approved in late April must not freeze an issue first raised in April."""
    item(project, "issue", "Known in March", 1, raised_on=D(2024, 3, 10))
    item(project, "issue", "First raised in April", 2, raised_on=D(2024, 4, 20))
    report = ReportFactory(project=project, period_start=D(2024, 3, 1), rated=True,
                           report_date=D(2024, 3, 28))  # fmt: skip
    rate(report, Overall="Green")
    workflow.submit(report, alice)
    report.refresh_from_db()
    workflow.approve(report, bob)
    report.refresh_from_db()
    titles = [line["title"] for line in report.approved_snapshot["raid"]]
    assert titles == ["Known in March"]


@pytest.mark.django_db
def test_a_programme_reports_pdf_prints_its_own_raid_log(client, alice, bob):
    """The web page of a programme's report shows its RAID log; its PDF (and so the board
    pack) leaves it out: _programme_report_body.html never includes pdf/_raid.html."""
    programme = ProgrammeFactory(code="PROG", manager=alice, sponsor=bob)
    item(programme, "issue", "Programme board not quorate", 1, priority=4)
    report = ReportFactory(project=programme, period_start=D(2024, 3, 1), rated=True,
                           report_date=D(2024, 3, 28))  # fmt: skip
    rate(report, Overall="Green")
    client.force_login(alice)
    assert "Programme board not quorate" in client.get(report.get_absolute_url()).content.decode()
    params = {"project": "PROG", "period": "2024-03"}
    text = pdf_text(render_source("highlight_report", report, params)[0].content)
    assert "RAID log: open items" in text and "Programme board not quorate" in text


# --- Reading the log -----------------------------------------------------------------------


@pytest.mark.django_db
def test_everyone_signed_in_can_read_an_items_description_and_resolution(client, project,
                                                                         olive):  # fmt: skip
    """The log is public inside the council, but an item's description and resolution
    appear on no page: the list shows titles only, and the item's page is the editors'
    form (403 to a reader). Only the .xlsx carries them."""
    issue = item(project, "issue", "Lift delayed", 1, description="The motor burnt out in testing.",
                 status="closed", resolution="A new motor was fitted.")  # fmt: skip
    client.force_login(olive)
    page = client.get(reverse("projects:raid", args=[project.code]) + "?shown=all")
    text = page.content.decode()
    # The list itself, or any page it links the item to.
    linked = set(re.findall(rf'href="([^"]*/raid/{issue.pk}/[^"]*)"', text))
    for url in linked:
        response = client.get(url)
        if response.status_code == 200:
            text += response.content.decode()
    assert "The motor burnt out in testing." in text
    assert "A new motor was fitted." in text


# --- Editing -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_editing_an_item_whose_owner_has_left_keeps_its_owner(client, project, alice, olive):
    """The owner select offers active people only: an item owned by someone who has left
    opens with no owner selected, so changing anything else (its status, say) silently
    removes its owner."""
    olive.is_active = False
    olive.save()
    action = item(project, "action", "Chase the contractor", 1, owner=olive)
    client.force_login(alice)
    url = reverse("projects:raid-edit", args=[project.code, action.pk])
    form = read_form(client, url)
    form.fields["status"] = "in_progress"
    client.post(url, form.fields)
    action.refresh_from_db()
    assert action.owner == olive


@pytest.mark.django_db
def test_a_title_is_one_line(client, project, alice):
    """A title is printed on one line everywhere, and in the plain-text reminders; posted
    with line breaks it starts lines of its own in the email ("Dear ..., click here")."""
    client.force_login(alice)
    page = add(client, project, kind="action", title="Chase\r\n\r\nIT: your password expires, "
        "sign in at http://evil.example")  # fmt: skip
    assert page.status_code in (200, 302)  # refused with a message, or saved on one line
    assert not any("\n" in title or "\r" in title
                   for title in project.raid.values_list("title", flat=True))  # fmt: skip


# --- Risks ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_risks_page_queries_do_not_grow_with_the_actions_treating_it(client, project, pam):
    """risk_detail.html prints action.project.code for each treating action, with nothing
    selected or prefetched: one query per action."""
    from risks.models import Risk
    from tests.factories import RiskRegisterFactory

    register = RiskRegisterFactory(project=project)
    risk = Risk.objects.create(register=register, ref="LR_1", title="Roof collapse",
                               inherent_probability=3, inherent_impact=4,
                               residual_probability=2, residual_impact=4)  # fmt: skip
    url = reverse("risks:risk", args=[register.slug, "LR_1"])
    client.force_login(pam)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    risk.treated_by.add(item(project, "action", "Action 1", 1))
    count()  # caches filled
    few = count()
    for number in range(2, 12):
        risk.treated_by.add(item(project, "action", f"Action {number}", number))
    assert count() == few


@pytest.mark.django_db
def test_moving_a_register_to_another_project_leaves_no_foreign_actions_treating_its_risks(
    client, project, other_project, pam
):
    """A risk's treated_by must be actions of its register's project. The PMO may move a
    register to another project; its risks keep the old project's actions, and the risk's
    page lists them as "the project's actions"."""
    from risks.models import Risk
    from tests.factories import RiskRegisterFactory

    register = RiskRegisterFactory(project=project)
    risk = Risk.objects.create(register=register, ref="LR_1", title="Roof collapse",
                               inherent_probability=3, inherent_impact=4,
                               residual_probability=2, residual_impact=4)  # fmt: skip
    risk.treated_by.add(item(project, "action", "Install temporary props", 1))
    client.force_login(pam)
    url = reverse("risks:register-edit", args=[register.slug])
    form = read_form(client, url)
    form.fields["project"] = str(other_project.pk)
    client.post(url, form.fields)
    register.refresh_from_db()
    assert all(action.project_id == register.project_id for action in risk.treated_by.all())


# --- Reminders -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_reminder_lists_a_bounded_number_of_overdue_actions(
    project, alice, bob, django_capture_on_commit_callbacks
):
    """Every overdue action is listed in every reminder: a log with 150 of them makes a
    150-line email to the manager, sponsor and director. A few, the longest overdue, then
    how many more and the link to the log."""
    project.start = D(2024, 1, 1)
    project.save()
    for month in (1, 2):
        report = ReportFactory(project=project, period_start=D(2024, month, 1))
        workflow.submit(report, alice)
        workflow.approve(report, bob)
    for number in range(1, 151):
        item(project, "action", f"Overdue action number {number}", number,
             due=D(2024, 3, 1) + datetime.timedelta(days=number % 20))  # fmt: skip
    with (time_machine.travel(datetime.datetime(2024, 4, 9, 9, 0), tick=False),
          django_capture_on_commit_callbacks(execute=True)):  # fmt: skip
        send_reminders(D(2024, 4, 9))
    body = mail.outbox[-1].body
    listed = re.findall(r"^- A\d+ ", body, flags=re.MULTILINE)
    assert 0 < len(listed) <= 20
    assert "more" in body

"""A project's RAID log (issue 20): issues, actions, decisions, dependencies and assumptions
kept as records, numbered by kind, flagged when overdue, snapshotted by each report at
approval, and the board's decisions listed in the pack with their due dates."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from projects import workflow
from projects.models import RaidItem
from reports.kinds import get_kind
from reports.services import render_source
from tests.factories import ProgrammeFactory, ReportFactory, rate
from tests.forms import read_form
from tests.pdf import pdf_text

D = datetime.date


def add(client, project, **fields):
    url = reverse("projects:raid-new", args=[project.code])
    form = read_form(client, url)
    form.fields.update({name: str(value) for name, value in fields.items()})
    return client.post(url, form.fields)


def item(project, kind, title, number, **fields):
    fields.setdefault("raised_on", D(2024, 1, 8))
    return RaidItem.objects.create(project=project, kind=kind, title=title, number=number,
                                   **fields)  # fmt: skip


@pytest.mark.django_db
def test_items_are_numbered_by_kind_and_keep_only_their_kinds_fields(client, project, alice):
    client.force_login(alice)
    assert add(client, project, kind="issue", title="Asbestos found", priority=3).status_code == 302
    add(client, project, kind="issue", title="Lift delayed")
    issue = RaidItem.objects.get(title="Asbestos found")
    response = add(client, project, kind="action", title="Survey the roof", issue=issue.pk,
                   decided_by="Someone", for_board="on", due="2099-03-01")  # fmt: skip
    assert response.status_code == 302
    refs = {i.title: i.ref for i in project.raid.all()}
    assert refs == {"Asbestos found": "I1", "Lift delayed": "I2", "Survey the roof": "A1"}
    action = RaidItem.objects.get(title="Survey the roof")
    assert action.issue == issue
    assert action.decided_by == "" and not action.for_board  # a decision's, not an action's
    page = client.get(reverse("projects:raid", args=[project.code])).content.decode()
    assert "Asbestos found" in page and "On issue I1" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "message"),
    [({"kind": "issue", "status": "closed"}, "Say how it was resolved before closing it"),
     ({"kind": "decision", "status": "closed", "resolution": "Agreed"},
      "Say who took the decision, and when"),
     ({"kind": "action", "raised_on": "2024-03-01", "due": "2024-02-01"},
      "It cannot be due before it was raised")],
)  # fmt: skip
def test_an_item_that_says_too_little_is_refused_and_nothing_is_saved(client, project, alice,
                                                                      fields, message):  # fmt: skip
    client.force_login(alice)
    page = add(client, project, title="Something", **fields).content.decode()
    assert message in page
    assert not project.raid.exists()


@pytest.mark.django_db
def test_a_save_over_a_change_made_meanwhile_is_refused(client, project, alice):
    issue = item(project, "issue", "Lift delayed", 1)
    client.force_login(alice)
    url = reverse("projects:raid-edit", args=[project.code, issue.pk])
    form = read_form(client, url)
    RaidItem.objects.filter(pk=issue.pk).update(title="Lift delayed a month", version=2)
    form.fields["title"] = "Lift delayed a week"
    page = client.post(url, form.fields).content.decode()
    assert "Someone else changed this item" in page
    issue.refresh_from_db()
    assert issue.title == "Lift delayed a month"


@pytest.mark.django_db
def test_only_those_who_write_the_reports_keep_the_log(client, project, charlie):
    issue = item(project, "issue", "Lift delayed", 1)
    client.force_login(charlie)
    assert client.get(reverse("projects:raid", args=[project.code])).status_code == 200
    assert client.get(reverse("projects:raid-new", args=[project.code])).status_code == 403
    url = reverse("projects:raid-edit", args=[project.code, issue.pk])
    assert client.post(url, {"title": "Mine now", "kind": "issue"}).status_code == 403
    issue.refresh_from_db()
    assert issue.title == "Lift delayed"


@pytest.mark.django_db
def test_overdue_actions_are_flagged_on_the_project_page(client, project, alice, diana):
    today = datetime.date.today()
    item(project, "action", "Chase the contractor", 1, owner=alice,
         due=today - datetime.timedelta(days=3))  # fmt: skip
    item(project, "action", "Done already", 2, due=today - datetime.timedelta(days=9),
         status="closed", resolution="Done")  # fmt: skip
    item(project, "action", "Not yet due", 3, due=today + datetime.timedelta(days=3))
    client.force_login(diana)
    page = client.get(project.get_absolute_url()).content.decode()
    assert "1 action overdue" in page and "Chase the contractor" in page
    assert "Done already" not in page and "Not yet due" not in page


@pytest.mark.django_db
def test_a_report_prints_the_open_items_and_approval_freezes_them(client, project, alice, bob):
    issue = item(project, "issue", "Asbestos found", 1, priority=4, due=D(2024, 3, 20))
    item(project, "assumption", "Grant confirmed in April", 1)
    item(project, "action", "Closed long ago", 1, status="closed", resolution="Done")
    report = ReportFactory(project=project, period_start=D(2024, 3, 1), rated=True,
                           report_date=D(2024, 3, 28))  # fmt: skip
    rate(report, Overall="Green")
    client.force_login(alice)
    page = client.get(report.get_absolute_url()).content.decode()
    assert "RAID log: open items" in page and "Asbestos found" in page
    assert "8 days overdue" in page  # as at the report's date of update
    assert "Closed long ago" not in page
    workflow.submit(report, alice)
    report.refresh_from_db()
    workflow.approve(report, bob)
    issue.status, issue.resolution = "closed", "Removed safely"
    issue.save()

    params = {"project": project.code, "period": "2024-03"}
    text = pdf_text(render_source("highlight_report", report, params)[0].content)
    assert "RAID log: open items" in text and "I1 Asbestos found" in text
    assert "AS1 Grant confirmed in April" in text


@pytest.mark.django_db
def test_the_boards_decisions_are_in_the_pack_with_their_due_dates(project, alice, bob):
    project.parent = ProgrammeFactory(code="PROG", manager=alice, sponsor=bob)
    project.save()
    item(project, "decision", "Approve the contract variation", 1, for_board=True,
         due=D(2024, 4, 15))  # fmt: skip
    item(project, "decision", "Choose the paint", 2, due=D(2024, 4, 1))  # not the board's
    report = ReportFactory(project=project, period_start=D(2024, 3, 1), rated=True,
                           decisions_required="None this month.")  # fmt: skip
    rate(report, Overall="Green")
    workflow.submit(report, alice)
    report.refresh_from_db()
    workflow.approve(report, bob)

    params = {"programme": "PROG", "period": "2024-03"}
    pdf, _, _ = render_source("board_pack", get_kind("board_pack").resolve(params), params)
    text = pdf_text(pdf.content)
    part = text[text.index("Decisions and recommendations TEST.1") :]
    part = part[: part.lower().index("highlight report · march 2024")]
    assert "D1 Approve the contract variation" in part and "15/04/2024" in part
    assert "Choose the paint" not in part  # a decision, but not the board's


@pytest.mark.django_db
def test_a_risk_lists_the_project_actions_that_treat_it(client, project, alice, pam):
    from risks.models import Risk
    from tests.factories import RiskRegisterFactory

    register = RiskRegisterFactory(project=project)
    action = item(project, "action", "Install temporary props", 1)
    item(project, "issue", "Not an action", 1)
    risk = Risk.objects.create(register=register, ref="LR_1", title="Roof collapse",
                               inherent_probability=3, inherent_impact=4,
                               residual_probability=2, residual_impact=4)  # fmt: skip
    client.force_login(pam)
    url = reverse("risks:risk-edit", args=[register.slug, "LR_1"])
    form = read_form(client, url)
    offered = re.findall(r'name="treated_by" value="(\d+)"', client.get(url).content.decode())
    assert offered == [str(action.pk)]  # the project's actions only
    form.fields["treated_by"] = [str(action.pk)]
    assert client.post(url, form.fields).status_code == 302
    assert list(risk.treated_by.all()) == [action]
    page = client.get(reverse("risks:risk", args=[register.slug, "LR_1"])).content.decode()
    assert "Treated by the project's actions" in page and "Install temporary props" in page


@pytest.mark.django_db
def test_the_log_exports_to_a_workbook(client, project, alice):
    item(project, "issue", '=HYPERLINK("http://x")', 1, due=D(2024, 3, 20))
    client.force_login(alice)
    response = client.get(reverse("projects:raid-export", args=[project.code]))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("Ref", "Kind", "Title")
    assert rows[1][0] == "I1" and rows[1][2].startswith("'=")  # inert, not a formula


@pytest.mark.django_db
def test_the_log_and_money_pages_queries_do_not_grow_with_their_rows(client, project, alice):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from projects.models import FinanceLine

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    client.force_login(alice)
    pages = [reverse(name, args=[project.code])
             for name in ("projects:raid", "projects:money", "projects:money-edit")]  # fmt: skip
    issue = item(project, "issue", "First", 1, owner=alice)
    FinanceLine.objects.create(project=project, year=2024, kind="capital", budget=1)
    [count(url) for url in pages]  # the caches (organisation, markings) filled
    few = [count(url) for url in pages]
    for number in range(2, 22):
        item(project, "action", f"Action {number}", number, owner=alice, issue=issue,
             depends_on=project, due=D(2024, 1, 1))  # fmt: skip
        FinanceLine.objects.create(project=project, year=2000 + number, kind="revenue", budget=1)
    assert [count(url) for url in pages] == few


@pytest.mark.django_db
def test_the_log_lists_issues_first_as_raid_logs_do(client, project, alice):
    item(project, "assumption", "Funding is confirmed", 1)
    item(project, "action", "Book the surveyor", 1)
    item(project, "issue", "Roof leaks", 1, priority=1)
    client.force_login(alice)
    page = client.get(reverse("projects:raid", args=[project.code])).content.decode()
    order = [page.index(t) for t in ("Roof leaks", "Book the surveyor", "Funding is confirmed")]
    assert order == sorted(order)
    response = client.get(reverse("projects:raid-export", args=[project.code]))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == ["I1", "A1", "AS1"]

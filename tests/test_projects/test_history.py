from dataclasses import dataclass, field
from html.parser import HTMLParser

from django.urls import reverse

from projects import workflow
from projects.models import RagStatus
from tests.test_projects.test_report_form import edit_url, form_data


@dataclass
class Change:
    who: str
    what: str
    fields: dict = field(default_factory=dict)  # label: (was, now)


class HistoryTable(HTMLParser):
    """The history page's table as a person reads it: each change's When, Who and What
    cells span its field rows (label, was, now). Only the table is read: the navigation
    bar names the person signed in."""

    def __init__(self):
        super().__init__()
        self.rows, self.row, self.cell, self.inside = [], None, None, False

    def handle_starttag(self, tag, attrs):
        if tag == "table" and "history-fields" in (dict(attrs).get("class") or ""):
            self.inside = True
        elif self.inside and tag == "tr":
            self.row = []
        elif self.row is not None and tag in ("td", "th"):
            self.cell = []

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append(" ".join("".join(self.cell).split()))
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.rows.append(self.row)
            self.row = None
        elif tag == "table":
            self.inside = False

    def changes(self):
        found = []
        for row in self.rows[1:]:  # under the heading row
            if len(row) >= 4:  # When, Who, What, then the first field (or none)
                found.append(Change(who=row[1], what=row[2]))
                row = row[3:]
            if len(row) == 3:
                found[-1].fields[row[0]] = (row[1], row[2])
        return found


def history(client, report):
    url = reverse("projects:report-history", args=[report.project.code, report.period_slug])
    page = client.get(url)
    assert page.status_code == 200
    table = HistoryTable()
    table.feed(page.content.decode())
    return table.changes()


def test_history_shows_who_changed_what_and_when(client_for, report, alice, bob):
    report.summary = "Contractor appointed."
    report.save()
    red = RagStatus.objects.get(name="Red")
    client_for(alice).post(
        edit_url(report),
        form_data(
            report,
            summary="New summary",
            **{"ratings-0-status": red.pk, "ratings-0-comment": "Late"},
        ),
    )
    report.refresh_from_db()
    client_for(alice).post(
        reverse("projects:report-submit", args=[report.project.code, report.period_slug]),
        {"version": report.version},
    )
    page = client_for(bob).get(
        reverse("projects:report-history", args=[report.project.code, report.period_slug])
    )
    html = page.content.decode()
    assert page.status_code == 200
    rows = html[html.index("<tbody>") :]
    # newest first: the submission, then the edit of the summary and the RAG line
    assert rows.index("Submitted") < rows.index("New summary")
    assert "Contractor appointed." in rows and "New summary" in rows
    assert "RAG: Overall" in rows and "Red" in rows and "Late" in rows
    # Each change is Alice's, in the table's Who column (Bob, reading, is named in the
    # navigation bar, never there).
    changes = history(client_for(bob), report)
    submission, edit = changes[0], next(c for c in changes if "Summary" in c.fields)
    assert submission.fields["Status"] == ("Draft", "Submitted")
    assert edit.fields["Summary"] == ("Contractor appointed.", "New summary")
    assert submission.who == edit.who == "Alice Archer"


def test_history_is_read_with_the_report(client_for, report, charlie):
    url = reverse("projects:report-history", args=[report.project.code, report.period_slug])
    assert client_for(charlie).get(url).status_code == 404


def test_history_records_transitions_made_outside_a_request(client_for, report, alice, bob, pam):
    """Who moved the report on, from a shell or a task, as from a page: the manager
    submitted it, the sponsor approved it (read by the PMO, so that neither name is the
    reader's in the navigation bar)."""
    workflow.submit(report, alice)
    workflow.approve(report, bob)
    moves = {
        change.fields["Status"]: change.who
        for change in history(client_for(pam), report)
        if change.what == "Report" and "Status" in change.fields  # not its RAG lines' status
    }
    assert moves == {("Draft", "Submitted"): "Alice Archer", ("Submitted", "Approved"): "Bob Baker"}


def test_history_of_an_approved_report_is_for_those_who_read_drafts(
    client_for, report, alice, bob, olive
):
    report.summary = "SECRET DRAFT WORDING"
    report.save()
    workflow.submit(report, alice)
    workflow.approve(report, bob)
    url = reverse("projects:report-history", args=[report.project.code, report.period_slug])
    assert client_for(olive).get(url).status_code == 404
    assert "History" not in client_for(olive).get(report.get_absolute_url()).content.decode()
    assert "SECRET DRAFT WORDING" in client_for(bob).get(url).content.decode()

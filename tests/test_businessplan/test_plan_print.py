"""How the business plan prints: the tables fit their words (few pages, no row alone on a
page), each activity's latest quarterly update, an extract of the exceptions or of one
owner's activities, HTML from a workbook as its words, aims never as dashes, and the
data-quality findings as import warnings and in the internal version's appendix only."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from pypdf import PdfReader

from businessplan.importers import import_plan
from businessplan.models import Activity, OwnerRole
from reports.forms import DocumentRequestForm
from reports.kinds import get_kind
from reports.models import Document
from reports.services import render_source, request_document
from reports.worker import render_document
from tests.factories import ActivityFactory, ActivityUpdateFactory, SectionFactory, UserFactory
from tests.pdf import pdf_body_text, pdf_text
from tests.test_businessplan.conftest import HEADER, book

KIND = get_kind("business_plan")
# Titles of sample activities: on target, slipping, not started and completed.
ON_TARGET = "Case-handling - Advice"
SLIPPING = "Write guidance on Proportionality of Investigation"
NOT_STARTED = "Assess effectiveness of Proportionality of investigation"
COMPLETED = "Governance: Risk - test and review Business Continuity Plan"
NOT_DIR_CI = "Consider measures for encouraging councils"  # owned by HoISE


def printed(plan, **params):
    pdf, _, _ = render_source("business_plan", plan, params)
    return pdf


def text_of(pdf):
    return pdf_text(pdf.content) + " " + pdf_body_text(pdf.content)


def table_rows(pdf, refs):
    """For each landscape page with activities, the lines of each of its rows: a row starts
    where a ref is printed in the No column (the leftmost 25 mm) and holds the distinct lines
    of text down to the next (the running header and footer left out)."""
    pages = []
    for page in PdfReader(io.BytesIO(pdf.content)).pages:
        height = float(page.mediabox.height)
        placed = []

        def seen(text, cm, tm, font, size, placed=placed, height=height):
            x, y = tm[4] * cm[0] + tm[5] * cm[2] + cm[4], tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            if text.strip() and 55 < y < height - 57:
                placed.append((x, y, text.strip()))

        page.extract_text(visitor_text=seen)
        if float(page.mediabox.width) < height:
            continue  # the portrait front matter
        tops = sorted({y for x, y, t in placed if x < 25 / 25.4 * 72 and t in refs}, reverse=True)
        if tops:  # not the appendix
            bottoms = [*tops[1:], min(y for _, y, _ in placed) - 1]
            pages.append(
                [
                    len({round(y) for _, y, _ in placed if low < y <= top + 1})
                    for top, low in zip(tops, bottoms, strict=True)
                ]
            )
    return pages


# --- 17: the tables fit their words ------------------------------------------------------


def test_the_sample_plan_prints_on_few_pages_its_rows_a_few_lines_none_alone(plan, imported):
    refs = set(Activity.objects.values_list("ref", flat=True))
    published, internal = printed(plan), printed(plan, internal=True)
    # Before the columns followed their content: 8 and 9 pages, a typical row 6 and 7 lines
    # (the longest 19 and 21).
    assert (published.pages, internal.pages) == (5, 6)
    for pdf in (published, internal):
        pages = table_rows(pdf, refs)
        lines = sorted(n for page in pages for n in page)
        assert len(lines) == 33 and lines[16] <= 4 and lines[-1] <= 9, lines
        assert min(len(page) for page in pages) >= 2, pages


def test_a_long_section_never_leaves_its_last_row_alone_on_a_page(plan):
    section = SectionFactory(plan=plan, name="Team")
    words = "Words that fill a comment cell to make its row tall enough to end the page. " * 5
    for n in range(1, 14):
        ActivityFactory(section=section, ref=f"T{n}", order=n, comment=words)
    per_page = [len(page) for page in table_rows(printed(plan), {f"T{n}" for n in range(1, 14)})]
    assert sum(per_page) == 13 and min(per_page) >= 2, per_page


# --- 18: the latest update, and the extracts -------------------------------------------------


def test_each_activity_prints_its_latest_quarterly_update(plan, imported, alice):
    activity = Activity.objects.get(section__name="C&I", ref="1")
    ActivityUpdateFactory(activity=activity, quarter=1, comment="First quarter words.")
    ActivityUpdateFactory(
        activity=activity,
        quarter=2,
        status=Activity.Status.SLIPPAGE,
        comment="Second quarter words.",
        updated_by=alice,
    )
    text = text_of(printed(plan))
    assert "Q2 update: Slippage" in text and "Second quarter words." in text
    assert "Alice Archer" in text
    assert "First quarter words." not in text
    assert "Achieved 99.9% in Q1" in text  # the activity's own comment, not the update's


def test_gathering_the_plan_takes_the_same_queries_however_many_activities(plan, imported):
    niki = UserFactory(username="niki.maclean", first_name="Niki", last_name="Maclean")
    OwnerRole.objects.get(name="Dir - C&I").users.add(niki)
    params = {"internal": True, "exceptions": True, "owner": "niki.maclean"}

    def queries():
        KIND.gather(plan, params)  # the organisation's settings are cached from here on
        with CaptureQueriesContext(connection) as captured:
            data = KIND.gather(plan, params)
        return len(captured), sum(len(s["activities"]) for s in data["sections"])

    before, rows = queries()
    section = Activity.objects.get(ref="CI 7").section
    for n in range(10):
        activity = ActivityFactory(
            section=section, ref=f"X{n}", status="slippage", owner=OwnerRole.objects.first()
        )
        activity.aims.set(plan.aims.all())
        ActivityUpdateFactory.create_batch(2, activity=activity)
    after, more_rows = queries()
    assert more_rows > rows
    # the owner, sections, activities, their aims, their latest updates, the plan's aims,
    # the findings' activities
    assert after == before == 7


def test_the_exceptions_print_holds_only_activities_slipping_or_not_started(plan, imported):
    pdf = printed(plan, exceptions=True)
    text = text_of(pdf)
    assert SLIPPING in text and NOT_STARTED in text
    assert COMPLETED not in text and ON_TARGET not in text
    assert "Only the activities slipping or not started: 16 of 33." in text
    assert "Introduction" not in text  # an extract leaves out the front matter
    assert KIND.title(plan, {"exceptions": True}) == "Business plan 2019-20 — exceptions"
    assert KIND.filename(plan, {"exceptions": True}) == "business-plan-2019-20-exceptions.pdf"


def test_the_owner_print_holds_only_that_owners_activities(plan, imported):
    niki = UserFactory(username="niki.maclean", first_name="Niki", last_name="Maclean")
    OwnerRole.objects.get(name="Dir - C&I").users.add(niki)
    text = text_of(printed(plan, owner="niki.maclean"))
    assert ON_TARGET in text and SLIPPING in text
    assert NOT_DIR_CI not in text and COMPLETED not in text  # HoISE's and Dir - CS's
    assert "Only the activities of Niki Maclean (Dir - C&I): 22." in text
    params = {"owner": "niki.maclean", "internal": True}
    assert KIND.title(plan, params) == "Business plan 2019-20 — Niki Maclean (internal)"
    assert KIND.filename(plan, params) == "business-plan-2019-20-niki-maclean-internal.pdf"


def test_the_request_form_offers_the_extracts_and_the_whole_plan_keeps_its_params(
    plan, imported, client_for, pam
):
    niki = UserFactory(username="niki.maclean", first_name="Niki", last_name="Maclean")
    OwnerRole.objects.get(name="Dir - C&I").users.add(niki)
    form = DocumentRequestForm(plans=[plan])
    assert form.fields["exceptions"].label == "Only exceptions (slipping or not started)"
    assert form.fields["owner"].label == "Only one owner's activities"
    assert ("niki.maclean", "Niki Maclean (Dir - C&I)") in form.fields["owner"].choices
    page = client_for(pam).get(reverse("reports:document-list")).content.decode()
    assert "Only exceptions (slipping or not started)" in page and "Niki Maclean" in page

    client_for(pam).post(
        reverse("reports:document-list"),
        {"kind": "business_plan", "plan": "2019-20", "exceptions": "on", "owner": "niki.maclean"},
    )
    extract = Document.objects.get()
    assert extract.params == {
        "plan": "2019-20",
        "internal": False,
        "exceptions": True,
        "owner": "niki.maclean",
    }
    assert extract.title == "Business plan 2019-20 — exceptions — Niki Maclean"
    client_for(pam).post(
        reverse("reports:document-list"), {"kind": "business_plan", "plan": "2019-20"}
    )
    whole = Document.objects.exclude(pk=extract.pk).get()
    assert whole.params == {"plan": "2019-20", "internal": False}  # as before the extracts


def test_a_reader_gets_the_published_plan_as_before_and_its_page_never_offers_an_extract(
    client_for, plan, imported, olive
):
    whole = request_document("business_plan", {"plan": "2019-20"}, olive)
    render_document.delay(whole.pk)
    extract = request_document("business_plan", {"plan": "2019-20", "exceptions": True}, olive)
    render_document.delay(extract.pk)
    client = client_for(olive)
    assert client.get(reverse("reports:document-download", args=[extract.pk])).status_code == 200
    page = client.get(plan.get_absolute_url()).content.decode()
    assert f"/documents/{whole.pk}/" in page and f"/documents/{extract.pk}/" not in page
    assert whole.params == {"plan": "2019-20", "internal": False}


# --- 19 and 20: HTML from a workbook, aims, data quality ----------------------------------------


def row(ref, title, start="01/04/2019", end="31/03/2020", status="On target", **changes):
    values = [ref, title, "Project", "Project defined", start, end, "X", None, None, None, None]
    values += ["H", "Dir - CS", "A report to LT", status, ""]
    for index, value in changes.items():
        values[int(index[1:])] = value
    return values


COMPLETIONS = [*HEADER[:1], "2018-19 Completions", *HEADER[2:]]
AIMS = [None] * 6 + [1, 2, 3, 4, 5]


def test_html_in_a_workbook_prints_as_its_words_never_its_tags(plan):
    title = "Promote the service in <i>Scotland</i> &amp; beyond<br>with partners"
    measure = "<ul><li>Leaflets printed</li><li>Website updated</li></ul>"
    comment = (
        '<p>Done <b>on time</b>.</p><script>alert("x")</script>'
        '<p>See <a href="https://spso.org.uk/a">the report</a></p>'
    )
    outcome = import_plan(
        plan, book(("Team", [HEADER, AIMS, row("T1", title, c13=measure, c15=comment)])), "t.xlsx"
    )
    assert not outcome.errors
    activity = Activity.objects.get()
    assert activity.title == "Promote the service in Scotland & beyond\nwith partners"
    assert activity.measure == "- Leaflets printed\n- Website updated"
    assert activity.comment == "Done on time.\nSee the report (https://spso.org.uk/a)"
    text = text_of(printed(plan))
    assert "Scotland & beyond" in text and "Leaflets printed" in text and "on time" in text
    for tag in ("<i>", "</i>", "<br>", "<li>", "<b>", "<p>", "&amp;", "script", "alert"):
        assert tag not in text


def test_what_a_user_typed_prints_as_written_never_as_markup(plan):
    activity = ActivityFactory(section=SectionFactory(plan=plan), measure="Score <b>95</b> & up")
    ActivityUpdateFactory(activity=activity, comment="<img src=x onerror=alert(1)> done")
    text = text_of(printed(plan))
    assert "Score <b>95</b> & up" in text
    assert "<img src=x onerror=alert(1)> done" in text


def test_aims_print_their_words_and_never_a_dash(plan, imported):
    assert plan.aims.count() == 5 and not plan.aims.exclude(text="").exists()
    assert "Strategic aims" not in text_of(printed(plan))  # numbers only: no list of dashes
    plan.aims.filter(number=2).update(text="Develop organisational capacity.")
    text = text_of(printed(plan))
    assert "Strategic aims Develop organisational capacity. Status by section" in text


FINDINGS = {
    ("Team", 4, "T2", "The end date 01/06/2019 is before the start date 01/07/2019."),
    (
        "Team",
        5,
        "T3",
        "The start date 01/04/2021 is outside the plan's year (01/04/2019 to 31/03/2020).",
    ),
    ("Other", 3, "T1", "The ref T1 is also used in Team (row 3) for another activity."),
    (
        "Team",
        9,
        "T9",
        "Listed as completed, yet carried into this year's plan in Team as T4 (row 6).",
    ),
}


@pytest.fixture
def flawed(plan):
    """A workbook with one of each data-quality finding (and numbered rows in two sheets,
    which are not one)."""
    team = [
        HEADER,
        AIMS,
        row("T1", "Refresh the website"),
        row("T2", "Run the staff survey", start="01/07/2019", end="01/06/2019"),
        row("T3", "Publish the annual report", start="01/04/2021", end=None),
        row("T4", "Review the complaints handling procedure"),
        row("1", "Train new staff"),
        COMPLETIONS,
        row(
            "T9",
            "Review the complaints handling procedure",
            start="01/04/2018",
            end="31/03/2019",
            status="Completed",
        ),
    ]
    other = [HEADER, AIMS, row("T1", "Move to the new office"), row("1", "Renew the lease")]
    outcome = import_plan(plan, book(("Team", team), ("Other", other)), "flawed.xlsx")
    assert not outcome.errors
    return outcome


def test_data_quality_findings_are_import_warnings_with_sheet_and_row(flawed):
    warnings = {(w.sheet, w.row, w.ref, w.message) for w in flawed.warnings}
    assert warnings >= FINDINGS
    assert not [w for w in flawed.warnings if w.ref == "1"]  # each sheet numbers its own
    assert [(w.sheet, w.row) for w in flawed.warnings] == sorted(
        ((w.sheet, w.row) for w in flawed.warnings), key=lambda s: (s[0] != "Team", s[1])
    )


def test_the_internal_pdf_lists_the_findings_in_an_appendix_the_published_never(plan, flawed):
    internal = text_of(printed(plan, internal=True))
    published = text_of(printed(plan))
    assert "Appendix: data quality" in internal and "Appendix" not in published
    assert "findings" not in KIND.gather(plan, {})
    for section, row_number, ref, message in FINDINGS:
        assert f"{section} {row_number} {ref} {message}" in internal
        assert message not in published


def test_an_extract_lists_only_the_findings_on_what_it_prints(plan, flawed):
    # T2 (end before start) is slipping; T3 (outside the year) is on target.
    Activity.objects.filter(ref="T2").update(status=Activity.Status.SLIPPAGE)
    text = text_of(printed(plan, internal=True, exceptions=True))
    assert "The end date 01/06/2019 is before" in text
    assert "01/04/2021" not in text


def test_a_clean_plan_says_it_has_no_findings(plan):
    ActivityFactory(section=SectionFactory(plan=plan))
    text = text_of(printed(plan, internal=True))
    assert "Appendix: data quality" in text and "None: nothing to check." in text

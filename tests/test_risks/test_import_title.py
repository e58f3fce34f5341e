"""The rows above a register's header: its heading, the month it is as at and its owner are
kept; anything else there is a warning (nothing is dropped silently). Sign-offs read from the
sheet are dated as the sheet is and by the risk's owner, never stamped with the import."""

import datetime
import io

from openpyxl import load_workbook

from reports.services import render_source
from risks.importers import import_register
from tests.factories import RiskReviewFactory, UserFactory
from tests.pdf import pdf_text
from tests.test_risks.test_import import ROW, workbook

SIGNED = [*ROW[:16], "Sign Off Complete", "Good progress."]


def titled(register, *title_rows, rows=(SIGNED,)):
    """Import a workbook with these title rows (then a blank row) above the header."""
    book = load_workbook(io.BytesIO(workbook(*rows, title_rows=False)))
    sheet = book.active
    sheet.insert_rows(1, amount=len(title_rows) + 1)
    for number, row in enumerate(title_rows, start=1):
        sheet.cell(number, 1, row)
    out = io.BytesIO()
    book.save(out)
    return import_register(register, out.getvalue(), "register.xlsx")


def test_the_title_rows_give_the_heading_and_the_month(register):
    register.owner.first_name, register.owner.last_name = "Robert", "Smyth"
    register.owner.save()
    outcome = titled(
        register,
        "OPERATIONAL RISK REGISTER - September 2016",
        f"{register.name} - Robert Smyth",
    )
    assert outcome.errors == [] and outcome.warnings == []
    register.refresh_from_db()
    assert register.heading == "OPERATIONAL RISK REGISTER"
    assert register.as_at == datetime.date(2016, 9, 1)
    again = titled(
        register, "OPERATIONAL RISK REGISTER - September 2016", f"{register.name} - Robert Smyth"
    )
    assert (again.created, again.updated, again.changes) == (0, 0, [])  # nothing changes


def test_what_the_title_rows_hold_besides_is_reported(register):
    outcome = titled(register, "OPERATIONAL RISK REGISTER", "Draft for discussion only",
                     f"{register.name} - Someone Else")  # fmt: skip
    messages = [(w.row, w.message) for w in outcome.warnings]
    assert any(row == 2 and "'Draft for discussion only'" in m for row, m in messages)
    assert any(row == 3 and "'Someone Else' as the register's owner" in m for row, m in messages)


def test_a_sign_off_from_the_sheet_keeps_its_month_and_its_owner(register):
    importer = UserFactory(username="importer")
    owner = UserFactory(first_name="Robert", last_name="Smyth")
    outcome = titled(register, "RISK REGISTER - September 2016", rows=(SIGNED,))
    assert outcome.errors == []
    review = register.risks.get().reviews.get()
    assert review.reviewed_on == datetime.date(2016, 9, 1)  # not today
    assert review.reviewed_by == owner and review.reviewed_by != importer and review.imported
    register.refresh_from_db()
    text = pdf_text(render_source("risk_register", register)[0].content)
    assert "as at September 2016 by Robert Smyth" in text
    assert "As at September 2016" in text


def test_a_review_made_in_highlight_moves_the_as_at_date_on(register):
    titled(register, "RISK REGISTER - September 2016")
    risk = register.risks.get()
    RiskReviewFactory(risk=risk, reviewed_on=datetime.date(2016, 11, 14))
    register.refresh_from_db()
    text = pdf_text(render_source("risk_register", register)[0].content)
    assert "As at 14/11/2016" in text and "as at 14/11/2016" in text  # cover, running header


def test_the_register_page_says_what_month_its_title_gave(client_for, alice, register):
    titled(register, "RISK REGISTER - September 2016")
    page = client_for(alice).get(register.get_absolute_url()).content.decode()
    assert "as at September 2016 (its imported title)" in page
    # A review made in Highlight moves the page on, as it does the PDF.
    RiskReviewFactory(risk=register.risks.get(), reviewed_on=datetime.date(2016, 11, 14))
    page = client_for(alice).get(register.get_absolute_url()).content.decode()
    assert "as at 14/11/2016 (its latest review)" in page

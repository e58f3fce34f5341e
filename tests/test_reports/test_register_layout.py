"""A risk register as a board would table it: risks share pages (a block is never split),
the summary keeps whole titles, one appetite legend instead of the same words on every
risk, "Outside appetite: none" when there are none, and "Progress so far" printed once."""

import io

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from reports.kinds.register import column_widths
from reports.services import render_source
from risks.models import RiskCategory, RiskRegister
from tests.factories import RiskFactory, RiskRegisterFactory, RiskReviewFactory
from tests.pdf import pdf_body_text, pdf_text

LONG_TITLE = (
    "Failure to deliver the digital programme leads to poor customer experiences and "
    "increased costs from calls and face to face visits across every service"
)


def test_risks_share_pages_and_no_block_is_split(db):
    register = RiskRegisterFactory()
    # Blocks of about a third of a page: page ends fall inside some of them.
    consequences = "\n".join(f"- Consequence {n}: costs rise and services slow." for n in range(14))
    for _ in range(8):
        RiskFactory(register=register, consequences=consequences, controls="A board meets.")
    pdf, _, _ = render_source("risk_register", register)
    assert pdf.pages < 6  # a cover, then two or three to a page
    for page in PdfReader(io.BytesIO(pdf.content)).pages[1:]:
        text = page.extract_text()
        # Each risk block on the page is whole: its title and its sign-off heading together.
        assert text.count("CR_") == text.count("Sign off and comments")


def test_the_summary_keeps_whole_titles_and_says_none_outside_appetite(db):
    register = RiskRegisterFactory()
    RiskFactory(register=register, title=LONG_TITLE, residual=(1, 1))
    text = pdf_body_text(render_source("risk_register", register)[0].content)
    assert "Outside appetite none" in text
    assert text.count(LONG_TITLE) == 2  # in the summary and on its block, never cut
    assert "…" not in text


def test_one_appetite_legend_and_flags_only_beside_risks_outside_it(db):
    register = RiskRegisterFactory()
    cautious = RiskCategory.objects.create(
        name="Partnerships", appetite="cautious", tolerated_level=2
    )
    RiskFactory(register=register, ref="HIGH", category=cautious, residual=(4, 4))
    RiskFactory(register=register, ref="LOW", category=cautious, residual=(1, 1))
    text = pdf_text(render_source("risk_register", register)[0].content)
    assert "Partnerships Cautious" in text  # the legend, once
    assert "(appetite" not in text
    assert "Outside appetite HIGH" in text  # the cover names only the one outside
    assert text.count("OUTSIDE APPETITE") == 1  # flagged beside its score, once


def test_progress_so_far_is_printed_once(db):
    call_command("seed_demo", allow_live=True, samples_only=True, stdout=io.StringIO())
    register = RiskRegister.objects.get(name="Performance and Projects")
    text = pdf_text(render_source("risk_register", register)[0].content)
    assert text.lower().count("progress so far") == 1


def test_three_typical_risks_share_a_page(db):
    # The bench's risk: a paragraph of consequences, three controls, a review.
    register = RiskRegisterFactory()
    for _ in range(12):
        risk = RiskFactory(
            register=register,
            consequences="Costs rise and services slow. " * 12,
            controls="- Control one\n- Control two\n- Control three",
            assurance="Internal audit reviewed the controls. " * 4,
        )
        RiskReviewFactory(risk=risk, comment="Comment on progress. " * 20)
    pdf, _, _ = render_source("risk_register", register)
    assert pdf.pages <= 5  # the cover, then three to a page (two to a page took seven)


def test_each_risk_prints_its_assessments_with_their_levels(db):
    call_command("seed_demo", allow_live=True, samples_only=True, stdout=io.StringIO())
    register = RiskRegister.objects.get(name="Performance and Projects")
    text = pdf_body_text(render_source("risk_register", register)[0].content)
    # PP_R011: inherent 3 Likely × 4 Severe, residual 2 Unlikely × 4 Severe (the sample).
    assert "12 Red 3 Likely × 4 Severe" in text
    assert "8 Amber 2 Unlikely × 4 Severe" in text


def test_the_widest_text_gets_the_widest_column():
    consequences, controls, assurance = "word " * 200, "- One\n- Two", "word " * 50
    widths = column_widths(consequences, controls, assurance)
    assert sum(widths) == pytest.approx(100, abs=0.2)
    assert widths[0] > widths[2] > widths[1] == 20  # a short list keeps a readable column
    assert column_widths("", "", "") == pytest.approx([33.3, 33.3, 33.3], abs=0.1)

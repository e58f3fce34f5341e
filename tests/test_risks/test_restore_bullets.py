"""Lists that a spreadsheet flattened into one line, or broke over odd lines, are put back
on lines as the importer reads a register's prose columns: a code keeps its description,
lower-case items are items where a list plainly starts, and a sentence after the list stays
a paragraph. Prose that is not a list comes back as it was."""

import openpyxl
import pytest

from projects.text import render_markdown
from risks.importers import import_register
from risks.importers.bullets import restore_bullets
from risks.models import Risk
from tests.test_risks.conftest import SAMPLE
from tests.test_risks.test_import import ROW, workbook

CONTROLS, ASSURANCE = 14, 15  # their places in ROW


def sample_cell(coordinate):
    return openpyxl.load_workbook(SAMPLE).active[coordinate].value.strip()


# --- The sample register's cells ----------------------------------------------------------


def test_the_samples_controls_print_as_a_paragraph_a_list_and_a_paragraph():
    # PP_R011's controls: an introduction, ten projects flattened with " - ", and a closing
    # sentence run on from the last project without a full stop.
    restored = restore_bullets(sample_cell("O5"))
    intro, projects, closing = restored.split("\n\n")
    assert intro.startswith("We have created a detailed Digital Dacorum programme")
    assert projects.splitlines()[0] == "- Project 1: website re-design"
    assert projects.splitlines()[-1] == "- Project 10: CRM and developing a citizens portal"
    assert len(projects.splitlines()) == 9  # projects 3 & 4 share an item
    assert closing == (
        "Each of these projects sets out a series of tasks and the programme runs for 24 months."
    )
    html = render_markdown(restored)
    assert html.count("<li>") == 9 and html.count("<p>") == 2
    assert html.rstrip().endswith(
        "</ul>\n<p>Each of these projects sets out a series of tasks"
        " and the programme runs for 24 months.</p>"
    )


def test_the_samples_assurance_is_a_list_from_its_first_character():
    restored = restore_bullets(sample_cell("P6"))
    assert restored.splitlines() == [
        "- We monitor performance, projects and complaints on a monthly, quarterly and "
        "annual basis",
        "- We have a dedicated performance and project management system (Corvu)",
        "- We have a project management framework (managing projects successfully)",
        "- We have a detailed complaints policy and procedure",
    ]


@pytest.mark.parametrize("coordinate", ["N5", "O6", "R5"])
def test_the_samples_prose_is_unchanged(coordinate):
    assert restore_bullets(sample_cell(coordinate)) == sample_cell(coordinate)


# --- Codes keep their descriptions --------------------------------------------------------

CODED = "- ICT02 Network refresh delayed by supplier\n- HR 4 Recruitment freeze agreed"


@pytest.mark.parametrize(
    "cell",
    [
        "- ICT02 - Network refresh delayed by supplier - HR 4 - Recruitment freeze agreed",
        "- ICT02\nNetwork refresh delayed by supplier\n- HR 4\nRecruitment freeze agreed",
        "ICT02\nNetwork refresh delayed by supplier\nHR 4\nRecruitment freeze agreed",
        "ICT02 - Network refresh delayed by supplier\nHR 4 - Recruitment freeze agreed",
        "ICT02 - Network refresh delayed by supplier - HR 4 - Recruitment freeze agreed",
        "ICT02 Network refresh delayed by supplier - HR 4 Recruitment freeze agreed",
    ],
)
def test_a_code_and_its_description_are_one_item(cell):
    assert restore_bullets(cell) == CODED


def test_codes_in_a_row_are_items_of_their_own():
    cell = "- FIN01a - PP_R011 - Budget monitored monthly"
    assert restore_bullets(cell) == "- FIN01a\n- PP_R011 Budget monitored monthly"


def test_codes_below_an_introduction_head_their_items():
    cell = "Open actions:\nICT02\nNetwork refresh delayed\nICT03\nBackup tests overdue"
    assert restore_bullets(cell) == (
        "Open actions:\n\n- ICT02 Network refresh delayed\n- ICT03 Backup tests overdue"
    )


# --- Lower-case items ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell, restored",
    [
        (
            "- review the contract - agree the budget",
            "- review the contract\n- agree the budget",
        ),
        (
            "Actions agreed: - review the contract - agree the budget",
            "Actions agreed:\n\n- review the contract\n- agree the budget",
        ),
        (
            "Progress in the quarter. - audit complete - policy drafted",
            "Progress in the quarter.\n\n- audit complete\n- policy drafted",
        ),
    ],
)
def test_lower_case_items_are_items_where_a_list_plainly_starts(cell, restored):
    assert restore_bullets(cell) == restored


def test_a_lower_case_item_on_a_line_of_its_own_is_an_item():
    cell = "- Monthly monitoring - Quarterly review\n- annual audit - internal and external"
    assert restore_bullets(cell) == (
        "- Monthly monitoring\n- Quarterly review\n- annual audit - internal and external"
    )


def test_a_dash_before_lower_case_in_a_capitalised_list_stays_in_its_item():
    cell = "- Budget approved - the board agreed it in May - Contract signed"
    assert restore_bullets(cell) == (
        "- Budget approved - the board agreed it in May\n- Contract signed"
    )


@pytest.mark.parametrize(
    "cell",
    [
        "A long-term, well-known approach agreed for 2019-20.",
        "The North-West and South-East teams share one Anti-Fraud plan.",
        "Costs for 2019 - 20 and 2020 - 21 are within budget.",
        "The costs - which were high - fell in the second quarter.",
        "We agreed - review the contract - agree the budget",
        "- Only one action. The board will review it in May.",
        "Progress is good - Phase 2 starts in May.",
    ],
)
def test_text_that_is_not_a_list_is_unchanged(cell):
    assert restore_bullets(cell) == cell


# --- Text around the list -----------------------------------------------------------------


def test_text_before_a_capitalised_list_is_a_paragraph():
    cell = "Controls in place - Monthly monitoring - Quarterly review by Internal Audit"
    assert restore_bullets(cell) == (
        "Controls in place\n\n- Monthly monitoring\n- Quarterly review by Internal Audit"
    )


@pytest.mark.parametrize(
    "cell, last_item",
    [
        (
            "- First review done - Second review booked. The board will review this in May.",
            "- Second review booked.",
        ),
        (
            "- First review done - Second review booked The board will review this in May.",
            "- Second review booked",
        ),
        (
            "- First review done\n- Second review booked\nThe board will review this in May.",
            "- Second review booked",
        ),
    ],
)
def test_a_sentence_after_the_list_is_a_paragraph(cell, last_item):
    restored = restore_bullets(cell)
    assert restored == f"- First review done\n{last_item}\n\nThe board will review this in May."
    assert render_markdown(restored).endswith("</ul>\n<p>The board will review this in May.</p>\n")


def test_a_sentence_after_a_lower_case_list_is_a_paragraph():
    cell = "- review the contract - agree the budget. The board will review this in May."
    assert restore_bullets(cell) == (
        "- review the contract\n- agree the budget.\n\nThe board will review this in May."
    )


@pytest.mark.parametrize(
    "cell",
    [
        # A name after a word that joins it to the item.
        "- Budget monitored monthly - Performance managed through Corvu and reported to Cabinet.",
        # An abbreviation's full stop.
        "- First review done - Second booked, e.g. The Hub rebuild is planned.",
        # Too short to be a sentence of its own.
        "- Budget monitored monthly - Reported to the board. Agreed by Cabinet.",
        # Items of several sentences keep their last.
        "- We monitor performance. Reports go to the board - We use Corvu. It is audited yearly.",
    ],
)
def test_the_last_items_own_words_stay_in_it(cell):
    assert restore_bullets(cell).count("\n") == 1


def test_each_paragraph_of_a_cell_is_restored_alone():
    cell = "Controls: - Monthly monitoring - Quarterly review\n\nActions: - review - agree"
    assert restore_bullets(cell) == (
        "Controls:\n\n- Monthly monitoring\n- Quarterly review\n\nActions:\n\n- review\n- agree"
    )


@pytest.mark.parametrize(
    "cell",
    [
        *CODED.splitlines(),
        "- ICT02 - Network refresh delayed - HR 4 - Recruitment freeze agreed",
        "Actions: - review the contract - agree the budget. The board will review it in May.",
        # Its last sentence is not split off: read again, it would be a list of its own.
        "- Budget set - Plan drafted. The board met on 5 May: - the plan - the budget agreed.",
        "- First review done - Second review booked The board will review this in May.",
    ],
)
def test_restoring_twice_changes_nothing_more(cell):
    once = restore_bullets(cell)
    assert restore_bullets(once) == once


# --- Through the importer -----------------------------------------------------------------


def test_imported_controls_and_assurance_are_stored_restored(register):
    row = list(ROW)
    row[CONTROLS] = "ICT02 - Network refresh delayed - ICT03 - Backup tests overdue"
    row[ASSURANCE] = "Reviewed by: - internal audit - the ICT board. Both report in May 2017."
    import_register(register, workbook(row), "r.xlsx")
    risk = Risk.objects.get()
    assert risk.controls == "- ICT02 Network refresh delayed\n- ICT03 Backup tests overdue"
    assert risk.assurance == (
        "Reviewed by:\n\n- internal audit\n- the ICT board.\n\nBoth report in May 2017."
    )


def test_the_sample_registers_closing_sentence_is_stored_as_a_paragraph(sample_register):
    controls = sample_register.risks.get(ref="PP_R011").controls
    assert controls.endswith(
        "- Project 10: CRM and developing a citizens portal\n\n"
        "Each of these projects sets out a series of tasks and the programme runs for 24 months."
    )

"""A month's highlight report through a real browser, on the demo data: the manager writes
and submits it, the sponsor returns it with a comment, the manager fixes and resubmits it,
the sponsor approves it, and a director asks for the board pack and downloads it."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import sign_in, sign_out
from tests.pdf import pdf_text

# The demo is loaded afresh for each test on the database as the migrations leave it
# (serialised for that at the start; tests/e2e/conftest.py puts it back).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_a_report_from_draft_to_board_pack(demo, page, shots, console_errors, tmp_path):
    server = demo

    # The manager starts September's report from August's and writes it.
    sign_in(page, server, "liz.sanderson")
    page.goto(f"{server.url}/projects/SORPv.1/")
    page.get_by_role("button", name="Start next report").click()
    expect(page.get_by_role("heading", name=re.compile("Edit highlight report"))).to_be_visible()
    for dimension, status in (("Overall", "Amber"), ("Timeline", "Amber"),
                              ("Budget", "Green"), ("Issues & Risks", "Green")):  # fmt: skip
        row = page.get_by_role("row", name=re.compile(f"^{re.escape(dimension)}"))
        row.get_by_role("combobox").select_option(label=status)
        row.get_by_role("textbox").fill(f"{dimension}: {status.lower()} this month.")
    page.get_by_label("Summary").fill("Consultation closed on 30 September with 412 responses.")
    page.get_by_label("Decisions and recommendations", exact=False).fill(
        "The Board is asked to note the consultation response."
    )
    shots(page, "01-manager-writes")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Report saved.")).to_be_visible()
    report_url = page.url
    page.get_by_role("button", name="Submit to sponsor").click()
    expect(page.get_by_text("Report submitted to the sponsor.")).to_be_visible()
    shots(page, "02-manager-submits")
    sign_out(page)

    # The sponsor sends it back with a comment.
    sign_in(page, server, "joss.foster")
    page.goto(report_url)
    page.get_by_label("Return to the project manager with a comment").fill(
        "Please give the number of responses by channel."
    )
    page.get_by_role("button", name="Return").click()
    expect(page.get_by_text("Report returned to the project manager.")).to_be_visible()
    shots(page, "03-sponsor-returns")
    sign_out(page)

    # The manager reads the comment, fixes the report and submits it again.
    sign_in(page, server, "liz.sanderson")
    page.goto(report_url)
    expect(page.get_by_text("Please give the number of responses by channel.")).to_be_visible()
    shots(page, "04-manager-reads-the-comment")
    page.get_by_role("link", name="Edit", exact=True).click()
    page.get_by_label("Summary").fill(
        "Consultation closed on 30 September with 412 responses: 300 online, 112 on paper."
    )
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Report saved.")).to_be_visible()
    page.get_by_role("button", name="Submit to sponsor").click()
    expect(page.get_by_text("Report submitted to the sponsor.")).to_be_visible()
    sign_out(page)

    # The sponsor approves.
    sign_in(page, server, "joss.foster")
    page.goto(report_url)
    expect(page.get_by_text("300 online, 112 on paper")).to_be_visible()
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_text(re.compile("Report approved"))).to_be_visible()
    expect(page.get_by_text(re.compile("Agreed and authorised by the Project"))).to_be_visible()
    shots(page, "05-sponsor-approves")
    sign_out(page)

    # A director asks for September's board pack and downloads it.
    sign_in(page, server, "director")
    page.goto(f"{server.url}/documents/")
    page.get_by_label("Kind").select_option(label="Board pack")
    page.get_by_label("Month").fill("2011-09")
    shots(page, "06-director-asks")
    page.get_by_role("button", name="Ask for it").click()
    pack = page.get_by_role("row", name=re.compile("Board pack Portfolio September 2011"))
    download_link = pack.get_by_role("link", name="Download")
    expect(download_link).to_be_visible(timeout=60_000)
    shots(page, "07-board-pack-ready")
    with page.expect_download() as waiting:
        download_link.click()
    saved = tmp_path / waiting.value.suggested_filename
    waiting.value.save_as(saved)

    text = pdf_text(saved.read_bytes())
    assert "SORPv.1" in text
    assert "300 online, 112 on paper" in text
    assert "Overall: amber this month." in text
    assert console_errors == []

"""A session that ends while someone types a report loses nothing (issue 18): the browser
keeps the text, the save after the session ended goes to the sign-in page, and after signing
in again the report's page offers the text back. Signing out on purpose forgets it; so does
anyone else signing in on the same browser (test_session_draft_review.py)."""

import re

import pytest
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from projects.models import HighlightReport
from tests.e2e.conftest import sign_in, sign_out

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
TYPED = "Consultation closed on 30 September with 412 responses."


def test_text_typed_as_the_session_ends_is_offered_back(demo, page, shots, console_errors):
    server = demo
    sign_in(page, server, "liz.sanderson")
    page.goto(f"{server.url}/projects/SORPv.1/")
    page.get_by_role("button", name="Start next report").click()
    expect(page.get_by_role("heading", name=re.compile("Edit highlight report"))).to_be_visible()
    edit_url = page.url
    page.get_by_label("Summary").fill(TYPED)
    page.wait_for_timeout(600)  # the browser keeps it within half a second
    shots(page, "01-typing")

    Session.objects.all().delete()  # the session ends (idle, too long, or signed out elsewhere)
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", name="Sign in to Highlight")).to_be_visible()
    shots(page, "02-asked-to-sign-in")
    page.get_by_label("Username").fill("liz.sanderson")
    page.get_by_label("Password").fill("highlight-demo")
    page.get_by_role("button", name="Sign in").click()
    assert page.url == edit_url
    offer = page.locator("[data-draft-offer]")
    expect(offer).to_contain_text("This browser kept what you typed here")
    expect(page.get_by_label("Summary")).not_to_have_value(TYPED)
    shots(page, "03-offered-back")
    offer.get_by_role("button", name="Put it back").click()
    expect(page.get_by_label("Summary")).to_have_value(TYPED)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Report saved.")).to_be_visible()
    report = HighlightReport.objects.filter(project__code="SORPv.1").order_by("-period_start")[0]
    assert report.summary == TYPED

    # Saved: nothing is offered again. Typed again, then signed out on purpose: forgotten.
    page.goto(edit_url)
    expect(page.locator("[data-draft-offer]")).to_have_count(0)
    page.get_by_label("Summary").fill("Not meant to be kept.")
    page.wait_for_timeout(600)
    sign_out(page)
    sign_in(page, server, "liz.sanderson")
    page.goto(edit_url)
    expect(page.locator("[data-draft-offer]")).to_have_count(0)
    expect(page.get_by_label("Summary")).to_have_value(TYPED)
    assert not console_errors

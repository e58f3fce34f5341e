"""Hostile review of issue 18's drafts: what a browser keeps of one person's typing must not
be handed to the next person who signs in on it."""

import re

import pytest
from django.contrib.sessions.models import Session
from django.db.models import F
from playwright.sync_api import expect

from projects.models import HighlightReport
from tests.e2e.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
TYPED = "Confidential: the contractor is about to be replaced."


def test_a_draft_is_not_offered_to_the_next_person_on_the_browser(demo, page):
    server = demo
    sign_in(page, server, "liz.sanderson")
    page.goto(f"{server.url}/projects/SORPv.1/")
    page.get_by_role("button", name="Start next report").click()
    expect(page.get_by_role("heading", name=re.compile("Edit highlight report"))).to_be_visible()
    edit_url = page.url
    page.get_by_label("Summary").fill(TYPED)
    page.wait_for_timeout(600)

    # Liz walks away; her session ends (idle). The PMO signs in on the same computer.
    Session.objects.all().delete()
    sign_in(page, server, "pmo")
    page.goto(edit_url)
    expect(page.get_by_role("heading", name=re.compile("Edit highlight report"))).to_be_visible()

    expect(page.locator("[data-draft-offer]")).to_have_count(0)
    kept = page.evaluate("JSON.stringify(window.localStorage)")
    assert TYPED not in kept, "Liz's unsaved text is still in the browser the PMO is using"


def test_a_draft_is_not_thrown_away_because_a_colleague_saved_the_report(demo, page):
    server = demo
    sign_in(page, server, "liz.sanderson")
    page.goto(f"{server.url}/projects/SORPv.1/")
    page.get_by_role("button", name="Start next report").click()
    expect(page.get_by_role("heading", name=re.compile("Edit highlight report"))).to_be_visible()
    edit_url = page.url
    page.get_by_label("Summary").fill(TYPED)
    page.wait_for_timeout(600)

    Session.objects.all().delete()  # Liz's session ends while she types
    report = HighlightReport.objects.filter(project__code="SORPv.1").order_by("-period_start")[0]
    # A colleague saves the report meanwhile.
    HighlightReport.objects.filter(pk=report.pk).update(version=F("version") + 1)
    page.get_by_role("button", name="Save").click()  # her save goes to the sign-in page
    expect(page.get_by_role("heading", name="Sign in to Highlight")).to_be_visible()
    page.get_by_label("Username").fill("liz.sanderson")
    page.get_by_label("Password").fill("highlight-demo")
    page.get_by_role("button", name="Sign in").click()
    assert page.url == edit_url

    kept = page.evaluate("JSON.stringify(window.localStorage)")
    assert TYPED in kept, "the hour Liz typed was deleted without a word"
    expect(page.locator("[data-draft-offer]")).to_have_count(1)
    expect(page.locator("[data-draft-offer]")).to_contain_text("The report has been saved since")
    page.get_by_role("button", name="Put it back").click()
    expect(page.get_by_label("Summary")).to_have_value(TYPED)

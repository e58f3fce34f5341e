"""Every main page, checked by axe-core (vendored from npm) for WCAG 2.2 A and AA: no
serious or critical violation anywhere. And the report form works with a keyboard alone.

Public-sector sites must meet WCAG 2.2 AA (the accessibility regulations), and the people
who write highlight reports include keyboard and screen-reader users."""

import json
from pathlib import Path

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from businessplan.models import Activity
from projects.models import HighlightReport, Project
from projects.reporting import start_next_report
from reports.models import Document
from risks.models import Risk
from tests.e2e.conftest import ARTIFACTS, DESKTOP, PASSWORD, sign_in

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
FAILING = ("serious", "critical")
PHONE = {"width": 390, "height": 844}


# The demo is loaded afresh for each test on the database as the migrations leave it
# (serialised for that at the start; tests/e2e/conftest.py puts it back).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def pages_to_check():
    """(who, what, url): every page a person works in, as someone who sees all of it."""
    project = Project.objects.get(code="SORPv.1")
    submitted = project.reports.get(status="submitted")
    draft = start_next_report(project)
    risk = Risk.objects.select_related("register").order_by("pk").first()
    register = risk.register
    activity = Activity.objects.select_related("section__plan").filter(section__slug="c-and-i")[0]
    section, plan = activity.section, activity.section.plan
    document = Document.objects.filter(status="done").first()
    report_args = [project.code, submitted.period_slug]
    return [
        (None, "sign in", reverse("login")),
        (None, "password reset", reverse("password_reset")),
        (None, "privacy notice", reverse("projects:privacy")),
        (None, "accessibility statement", reverse("projects:accessibility")),
        ("pmo", "statements settings", reverse("projects:statements")),
        ("pmo", "chat channels", reverse("projects:channel-list")),
        ("pmo", "organisation's channel", reverse("projects:channel-organisation")),
        ("pmo", "my actions", reverse("projects:home")),
        ("pmo", "dashboard", reverse("projects:dashboard")),
        ("pmo", "projects", reverse("projects:project-list")),
        ("pmo", "new project", reverse("projects:project-create")),
        ("pmo", "project", reverse("projects:project-detail", args=[project.code])),
        ("pmo", "edit project", reverse("projects:project-edit", args=[project.code])),
        ("pmo", "milestones", reverse("projects:milestones", args=[project.code])),
        ("pmo", "edit milestones", reverse("projects:milestones-edit", args=[project.code])),
        ("pmo", "money", reverse("projects:money", args=[project.code])),
        ("pmo", "edit money", reverse("projects:money-edit", args=[project.code])),
        ("pmo", "RAID log", reverse("projects:raid", args=[project.code])),
        ("pmo", "new RAID item", reverse("projects:raid-new", args=[project.code])),
        ("pmo", "RAID import", reverse("projects:raid-import", args=[project.code])),
        ("pmo", "milestones import", reverse("projects:milestones-import", args=[project.code])),
        ("pmo", "new report", reverse("projects:report-create", args=[project.code])),
        ("pmo", "report history", reverse("projects:report-history", args=report_args)),
        ("joss.foster", "report to approve", reverse("projects:report-detail", args=report_args)),
        ("liz.sanderson", "report form",
         reverse("projects:report-edit", args=[project.code, draft.period_slug])),
        ("pmo", "approved report", reverse("projects:report-detail", args=[
            "SIB", HighlightReport.objects.filter(project__code="SIB").first().period_slug])),
        ("pmo", "settings", reverse("projects:settings")),
        ("pmo", "organisation settings", reverse("projects:organisation-settings")),
        ("pmo", "markings", reverse("projects:marking-list")),
        ("pmo", "hand over", reverse("projects:hand-over")),
        ("pmo", "people import", reverse("projects:people-import")),
        ("pmo", "projects import", reverse("projects:projects-import")),
        ("pmo", "RAG history import", reverse("projects:rag-history-import")),
        ("pmo", "finance import", reverse("projects:finance-import")),
        ("pmo", "edit marking", reverse("projects:marking-edit", args=[1])),
        ("pmo", "risk registers", reverse("risks:register-list")),
        ("pmo", "new register", reverse("risks:register-create")),
        ("pmo", "outside appetite", reverse("risks:outside-appetite")),
        ("pmo", "register", reverse("risks:register", args=[register.slug])),
        ("pmo", "register import", reverse("risks:register-import", args=[register.slug])),
        ("pmo", "edit register", reverse("risks:register-edit", args=[register.slug])),
        ("pmo", "risk", reverse("risks:risk", args=[register.slug, risk.ref])),
        ("pmo", "new risk", reverse("risks:risk-create", args=[register.slug])),
        ("pmo", "edit risk", reverse("risks:risk-edit", args=[register.slug, risk.ref])),
        ("pmo", "risk review", reverse("risks:risk-review", args=[register.slug, risk.ref])),
        ("pmo", "business plans", reverse("businessplan:plan-list")),
        ("pmo", "new plan", reverse("businessplan:plan-create")),
        ("pmo", "plan", reverse("businessplan:plan", args=[plan.year])),
        ("pmo", "edit plan", reverse("businessplan:plan-edit", args=[plan.year])),
        ("pmo", "plan changes", reverse("businessplan:changes", args=[plan.year])),
        ("pmo", "plan import", reverse("businessplan:plan-import", args=[plan.year])),
        ("pmo", "plan section", reverse("businessplan:section", args=[plan.year, section.slug])),
        ("pmo", "activity", activity.get_absolute_url()),
        ("niki.maclean", "activity update", reverse("businessplan:activity-update",
                                                    args=[plan.year, section.slug, activity.ref])),
        ("pmo", "documents", reverse("reports:document-list")),
        ("pmo", "document", document.get_absolute_url()),
        ("pmo", "page not found", "/projects/NO-SUCH-PROJECT/"),
    ]  # fmt: skip


def axe(page):
    """axe-core's violations of WCAG 2.2 A/AA on the page as it stands."""
    page.evaluate(AXE.read_text())
    result = page.evaluate(
        "options => axe.run(document, options)",
        {"runOnly": {"type": "tag", "values": WCAG_22_AA}, "resultTypes": ["violations"]},
    )
    return result["violations"]


def described(violations):
    return [
        f"{v['impact']}: {v['id']} ({v['help']}) at "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:3])
        for v in violations
    ]


@pytest.fixture
def checking(browser, demo):
    """New browser contexts (one per person) without the Content-Security-Policy, so that
    axe (a test tool, never on our pages) can be put into pages; all else as users have it."""
    contexts = []

    def new_context(viewport=DESKTOP):
        contexts.append(browser.new_context(bypass_csp=True, locale="en-GB", viewport=viewport))
        return contexts[-1]

    yield new_context
    for context in contexts:
        context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_every_main_page_meets_wcag_22_aa(checking, demo, viewport):
    """On a desktop and on a phone, where the menu folds away and tables must scroll in
    their own box rather than push the page sideways (WCAG 1.4.10, reflow)."""
    server = demo
    found, seen = {}, {}
    folder = ARTIFACTS / f"accessibility-{viewport['width']}"
    folder.mkdir(parents=True, exist_ok=True)
    pages = pages_to_check()
    by_person = {}
    for who, what, url in pages:
        by_person.setdefault(who, []).append((what, url))
    for who, visits in by_person.items():
        page = checking(viewport).new_page()
        if who:
            sign_in(page, server, who)
        for what, url in visits:
            response = page.goto(server.url + url)
            expected = 404 if what == "page not found" else 200
            assert response.status == expected, f"{what}: {response.status}"
            violations = axe(page)
            seen[what] = [f"{v['impact']}: {v['id']}" for v in violations]
            failing = [v for v in violations if v["impact"] in FAILING]
            if failing:
                found[what] = described(failing)
            wide = page.evaluate("document.documentElement.scrollWidth")
            if wide > viewport["width"]:
                found.setdefault(what, []).append(f"the page is {wide} px wide, not fitting")
            if what in found:
                page.screenshot(path=folder / f"{what}.png", full_page=True)
        page.close()
    (folder / "axe-results.json").write_text(json.dumps(seen, indent=2))

    assert len(seen) == len(pages)
    assert found == {}


def test_a_form_with_errors_meets_wcag_22_aa(checking, demo):
    server = demo
    draft = start_next_report(Project.objects.get(code="SORPv.1"))
    page = checking().new_page()
    sign_in(page, server, "liz.sanderson")
    page.goto(server.url + reverse("projects:report-edit", args=["SORPv.1", draft.period_slug]))
    page.get_by_label("% complete").fill("250")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Nothing was saved")).to_be_visible()

    failing = [v for v in axe(page) if v["impact"] in FAILING]

    assert described(failing) == []
    field = page.get_by_label("% complete")
    assert field.get_attribute("aria-invalid") == "true"


def test_the_report_form_works_with_a_keyboard_alone(page, demo, shots):
    """Sign in, rate a RAG line, write the summary and save, without touching the mouse."""
    server = demo
    draft = start_next_report(Project.objects.get(code="SORPv.1"))
    page.goto(f"{server.url}/accounts/login/")
    assert focused(page)["name"] == "username"  # the sign-in page starts there
    page.keyboard.type("liz.sanderson")
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    page.goto(server.url + reverse("projects:report-edit", args=["SORPv.1", draft.period_slug]))
    page.keyboard.press("Tab")  # the skip link comes first, past the navigation
    assert focused(page)["text"] == "Skip to main content"
    page.keyboard.press("Enter")
    order = []
    overall = tab_to(page, lambda f: f["name"] == "ratings-0-status", order)
    assert overall["label"] == "Overall this period"  # what a screen reader announces
    page.keyboard.press("ArrowDown")  # a closed select changes with the arrow keys
    page.keyboard.press("Tab")
    page.keyboard.type("Amber: the consultation ran a week late.")
    tab_to(page, lambda f: f["name"] == "summary", order)
    page.keyboard.type("Typed without a mouse.")
    shots(page, "keyboard-report-form")
    save = tab_to(page, lambda f: f["tag"] == "BUTTON" and f["text"] == "Save", order)
    assert save["outline"], "the focused Save button shows no focus indicator"
    page.keyboard.press("Enter")

    expect(page.get_by_text("Report saved.")).to_be_visible()
    draft.refresh_from_db()
    assert draft.summary == "Typed without a mouse."
    overall_rating = draft.ratings.get(dimension__name="Overall")
    assert overall_rating.status is not None
    assert overall_rating.comment == "Amber: the consultation ran a week late."
    # Focus moved through the form in reading order: RAG table, then the text fields.
    names = [f["name"] for f in order if f["name"]]
    assert names.index("ratings-0-status") < names.index("summary")


def focused(page):
    return page.evaluate(
        """() => {
        const el = document.activeElement;
        const style = getComputedStyle(el);
        const label = el.labels && el.labels.length ? el.labels[0].innerText.trim() : "";
        return {tag: el.tagName, name: el.name || "", text: (el.innerText || "").trim(),
                label: label.replace(/\\*$/, "").trim(),
                outline: style.outlineStyle !== "none" || style.boxShadow !== "none"};
    }"""
    )


def tab_to(page, wanted, order=None, limit=300):
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if order is not None:
            order.append(now)
        if wanted(now):
            return now
    raise AssertionError(f"never reached by Tab after {limit} presses")

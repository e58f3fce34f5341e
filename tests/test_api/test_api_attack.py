"""A hostile review of the read API (issue 21): each test named after a defect it found
(its docstring says what was wrong, now fixed); test_holds_* record attacks that held."""

import datetime
import json

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from projects import api_tokens, workflow
from projects.models import ApiToken, AuditEvent, Deputy, HighlightReport
from tests.factories import ReportFactory, rate

JSON = "application/json"


def is_json(response):
    if not response.get("Content-Type", "").startswith(JSON):
        return False
    json.loads(response.content)
    return True


# --- defects -----------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v1/documents/abc/", "/api/v1/documents/abc/download/"])
def test_a_document_id_that_is_not_a_number_is_a_404_in_json(api, token_for, olive, path):
    """Any token holder asking for /api/v1/documents/abc/ (or its /download/) gets a 500
    "Server Error" HTML page, and the server logs a traceback: Documents.get_object hands the
    raw URL text to reports.access.get_document, whose Document.objects.get(pk="abc")
    raises ValueError. Every other resource answers such an address 404 in JSON (REST
    framework's get_object_or_404 catches it), as the API's errors must be."""
    response = api(token_for(olive)).get(path)
    assert response.status_code == 404, response.status_code
    assert is_json(response), response.get("Content-Type")


@pytest.mark.parametrize("path", ["/api/v1/nothing/", "/api/v1/", "/api/v1/projects/TEST.1/x/"])
def test_an_unknown_api_address_is_answered_in_json(api, token_for, olive, project, path):
    """A stranger (or a script with a token) calling a mistyped /api/v1/ address gets the
    site's HTML "Not Found" page, not a JSON error: a client of the API parses every answer
    as JSON, and a stranger should be told 401 (sign in with a token) like on every other
    /api/ address. Nothing catches the unmatched addresses under /api/ (config/api_urls.py
    has no catch-all, and handler404 is the pages' one)."""
    stranger = Client(raise_request_exception=False).get(path)
    assert stranger.status_code == 401 and is_json(stranger), (
        stranger.status_code, stranger.get("Content-Type"))  # fmt: skip
    holder = api(token_for(olive)).get(path)
    assert holder.status_code == 404 and is_json(holder), (
        holder.status_code, holder.get("Content-Type"))  # fmt: skip


def test_the_schema_refuses_a_stranger_in_json(db):
    """GET /api/schema/ without a token is refused 401, but the body is YAML
    ("detail:\\n  string: Authentication credentials were not provided.") served as
    application/vnd.oai.openapi: SpectacularAPIView renders its error with its own
    (OpenAPI YAML) renderer. The API's errors are always JSON (api_base.py does this for
    the resources only)."""
    response = Client(raise_request_exception=False).get("/api/schema/")
    assert response.status_code == 401
    assert is_json(response), (response.get("Content-Type"), response.content[:80])


def test_a_sponsors_deputy_reads_the_draft_through_the_api_as_on_the_page(
    api, token_for, client_for, bob, olive, project, report
):
    """Olive deputises for the sponsor, Bob, today. On the pages she reads TEST.1's draft
    (ProjectRole.can_read_drafts counts sponsor_deputy), but her token gets 404 for the
    same report and the RAG table leaves its ratings out: projects.access.visible_reports,
    which the API uses, knows nothing of deputies (acting_for). A token must read exactly
    what its person reads on the pages (DESIGN.md); visible_reports should add
    Q(project__sponsor__in=acting_for(user)) as can_read_drafts does."""
    today = timezone.localdate()
    Deputy.objects.create(person=bob, deputy=olive, starts=today, ends=today)
    assert client_for(olive).get("/projects/TEST.1/reports/2024-03/").status_code == 200
    client = api(token_for(olive))
    assert client.get(f"/api/v1/reports/{report.pk}/").status_code == 200
    ratings = client.get("/api/v1/rag-ratings/", {"project": "TEST.1"}).json()["results"]
    assert {row["report_status"] for row in ratings} == {"draft"}


def test_an_approved_reports_rag_rows_keep_what_it_froze_when_an_earlier_one_is_reopened(
    api, token_for, alice, bob, pam, olive, project
):
    """February (Overall Red) and March (Overall Green) are approved; March's page, PDF
    and the API's own /reports/<march>/ content give last period as Red, frozen at
    approval. When the PMO reopens February, /api/v1/rag-ratings/ says March's previous
    status is None (no approved February any more): the RAG table computes previous_status
    live (projects/api.py previous_status()) from the live RagRating rows, instead of
    reading an approved report's frozen snapshot. Power BI's chart then disagrees with the
    approved report."""
    feb = ReportFactory(project=project, period_start=datetime.date(2024, 2, 1))
    rate(feb, Overall="Red")
    workflow.approve(workflow.submit(feb, alice), bob)
    march = ReportFactory(project=project, period_start=datetime.date(2024, 3, 1))
    rate(march, Overall="Green")
    workflow.approve(workflow.submit(march, alice), bob)
    workflow.reopen(HighlightReport.objects.get(pk=feb.pk), pam, "Figures were wrong.")
    client = api(token_for(olive))
    frozen = next(line for line in client.get(f"/api/v1/reports/{march.pk}/").json()["content"][
        "ratings"] if line["dimension"] == "Overall")  # fmt: skip
    assert frozen["previous"]["name"] == "Red"  # what the approved report says
    row = next(row for row in client.get("/api/v1/rag-ratings/", {"period": "2024-03"}).json()[
        "results"] if row["dimension"] == "Overall")  # fmt: skip
    assert row["previous_status"] == "Red", row["previous_status"]


def test_reading_the_schema_with_a_token_is_in_the_audit(api, token_for, alice):
    """A token reading /api/schema/ is a use of the token (its last use is updated on the
    account page), but no audit event is written: the audit is written in
    api_base.Resource.initial, and the schema view (config/api_urls.py) is not a Resource.
    Every use of the API is to be in the audit."""
    client = api(token_for(alice))
    before = AuditEvent.objects.count()
    assert client.get("/api/schema/").status_code == 200
    assert ApiToken.objects.get(user=alice).last_used_at is not None  # it was a use
    assert AuditEvent.objects.count() == before + 1


def test_more_tokens_are_no_more_requests(api, token_for, client_for, alice, project, settings):
    """With API_REQUESTS_PER_MINUTE = 2, Alice's first token is stopped at its third
    request (429), but she makes another token on her account page (as many as she likes)
    and carries on, and her signed-in session has a budget of its own: PerToken keys the
    count on the token (token-<pk>) and the session on the person (user-<pk>), so one
    person has no limit at all. Count per person (the token's user), or cap each person's
    live tokens."""
    settings.API_REQUESTS_PER_MINUTE = 2
    first = api(token_for(alice, name="first"))
    assert [first.get("/api/v1/projects/").status_code for _ in range(3)] == [200, 200, 429]
    second = api(token_for(alice, name="second"))
    session = client_for(alice)
    more = [client.get("/api/v1/projects/").status_code for client in (second, session)]
    assert more == [429, 429], more


# --- what held ---------------------------------------------------------------------------


RESOURCES = ("programmes", "projects", "rag-ratings", "positions", "reports", "milestones",
             "money", "raid-items", "risk-registers", "risks", "business-plans",
             "plan-sections", "plan-activities", "plan-activity-updates", "documents")  # fmt: skip


def test_holds_a_stranger_gets_401_in_json_on_every_resource_whatever_the_method(db):
    stranger = Client(raise_request_exception=False)
    wrong = []
    for resource in RESOURCES:
        for method in ("get", "head", "options", "post", "delete"):
            url = f"/api/v1/{resource}/?format=xlsx"
            response = getattr(stranger, method)(url)
            if response.status_code != 401 or (method != "head" and not is_json(response)):
                wrong.append((method, resource, response.status_code, response.get("Location")))
    assert not wrong


@pytest.mark.parametrize(
    "query",
    [{"page_size": "0"}, {"page_size": "-1"}, {"page_size": "99999999999"}, {"page": "999999"},
     {"period": "garbage"}, {"period": "0000-00"}, {"period": "\u0662\u0660\u0662\u0664-03"},
     {"period_from": "2024-13-45"}, {"project": "'; DROP TABLE projects_project;--"},
     {"status": "nonsense"}, {"period": "\x00"}],
)  # fmt: skip
def test_holds_hostile_query_values_get_400_or_a_sane_answer(api, token_for, alice, report, query):
    response = api(token_for(alice)).get("/api/v1/rag-ratings/", query)
    assert response.status_code in (200, 400, 404) and is_json(response), response.status_code
    if response.status_code == 200:
        assert len(response.json()["results"]) <= 1000


def test_holds_one_persons_etag_never_gives_another_a_304(api, token_for, alice, olive, report):
    """Alice (the manager) reads her draft in the list; Olive does not. Olive replaying
    Alice's ETag gets the full answer, without the draft."""
    alices = api(token_for(alice)).get("/api/v1/reports/")
    assert alices.json()["count"] == 1
    replay = {"If-None-Match": alices["ETag"]}
    olives = api(token_for(olive)).get("/api/v1/reports/", headers=replay)
    assert olives.status_code == 200 and olives.json()["count"] == 0
    again = api(token_for(alice)).get("/api/v1/reports/", headers=replay)
    assert again.status_code == 304


def test_holds_token_forms_need_csrf_escape_the_name_and_spare_others_tokens(client, alice, bob):
    client.force_login(alice)
    forged = Client(enforce_csrf_checks=True)
    forged.force_login(alice)
    made = forged.post(reverse("api-token-create"), {"name": "x", "days": 30})
    assert made.status_code == 403 and not ApiToken.objects.filter(user=alice).exists()
    hostile = {"name": "<script>alert(1)</script>", "days": 5}
    page = client.post(reverse("api-token-create"), hostile)
    assert page.status_code == 200 and b"<script>alert(1)" not in page.content
    assert b"&lt;script&gt;alert(1)" in page.content
    assert "no-cache" in page["Cache-Control"] or "no-store" in page["Cache-Control"]
    bobs = api_tokens.create(bob, "Bob's", 30)[0]
    assert client.post(reverse("api-token-revoke", args=[bobs.pk])).status_code == 404
    bobs.refresh_from_db()
    assert bobs.revoked_at is None

"""The access matrix through the API, with each role's own token (issue 21): a token reads
exactly what its person reads on the pages, and no list shows anything of a report its
reader may not read."""

import json

import pytest
from django.test import Client

from projects import api_tokens
from tests.test_config.test_access_matrix import (
    OUTSIDERS,
    ROLES,
    TABLE,
    outcome,
    traces,
    url_for,
    world,  # noqa: F401 (the fixture)
)

API_CASES = [case for case in TABLE if case.name.startswith("api:") or case.name == "api-schema"]
LISTS = ("programmes", "projects", "rag-ratings", "positions", "reports", "milestones", "money",
         "raid-items")  # fmt: skip


def token_client(world, role):  # noqa: F811
    if role == "anonymous":
        return Client(raise_request_exception=False)
    token = api_tokens.create(world["users"][role], "matrix", 1)[1]
    return Client(headers={"Authorization": f"Bearer {token}"}, raise_request_exception=False)


def test_the_api_rows_of_the_table_are_all_here():
    names = {case.name for case in API_CASES}
    assert {"api:report-detail", "api:rag-rating-list", "api:project-list", "api-schema"} <= names
    assert len(API_CASES) >= 10


@pytest.mark.parametrize("case", API_CASES, ids=lambda case: case.id)
def test_a_token_gets_what_the_table_gives_its_person(case, world):  # noqa: F811
    url = url_for(case, world)
    wrong = []
    for role in ROLES:
        client = token_client(world, role)
        for method in ("get", "post"):
            got = outcome(getattr(client, method)(url))
            want = case.expected(method)[role]
            if got != want:
                wrong.append(f"{method.upper()} as {role}'s token: got {got}, table says {want}")
    assert not wrong, f"{url}\n" + "\n".join(wrong)


def every_row(client, resource):
    """Every page of a list, as the text of its JSON."""
    url, pages = f"/api/v1/{resource}/?page_size=1000", []
    while url:
        response = client.get(url)
        assert response.status_code == 200, (url, response.content[:300])
        body = response.json()
        pages.append(json.dumps(body["results"], ensure_ascii=False))
        url = body["next"]
    return "\n".join(pages)


@pytest.mark.parametrize("role", OUTSIDERS)
def test_no_list_shows_an_outsider_a_report_they_may_not_read(role, world):  # noqa: F811
    client = token_client(world, role)
    leaks = {}
    for resource in LISTS:
        if found := traces(every_row(client, resource), world):
            leaks[resource] = sorted(found)
    assert not leaks, f"{role}'s token reads what they may not: {leaks}"


def test_the_team_reads_its_drafts_through_the_api(world):  # noqa: F811
    """The other side: the same lists give the manager every trace looked for above."""
    client = token_client(world, "manager")
    reports = traces(every_row(client, "reports"), world)
    ratings = traces(every_row(client, "rag-ratings"), world)
    for status in ("draft", "submitted", "returned"):
        assert f"UNSEEN-{status}-summary" in reports, status
        assert f"UNSEEN-{status}-rag-1" in ratings, status
    assert "RAG Amber/Red" in ratings


def rows_of(client, resource, key):
    body = client.get(f"/api/v1/{resource}/?page_size=1000").json()
    return {row[key] for row in body["results"]}


@pytest.mark.parametrize("role", ROLES[1:])
def test_registers_plans_and_documents_are_listed_as_the_pages_allow(role, world):  # noqa: F811
    """Each list holds exactly what its pages let the person open: the registers (and their
    risks) they read, published plans (and drafts for directors and the PMO), and the
    documents their Documents page lists."""
    from businessplan.access import visible_plans
    from reports.access import visible_documents
    from risks.access import readable_registers

    user = world["users"][role]
    client = token_client(world, role)
    registers = set(readable_registers(user).values_list("slug", flat=True))
    assert rows_of(client, "risk-registers", "slug") == registers
    assert rows_of(client, "risks", "register") == registers & {
        r.slug for r in world["registers"].values()
    }
    plans = set(visible_plans(user).values_list("year", flat=True))
    assert rows_of(client, "business-plans", "year") == plans
    assert rows_of(client, "plan-activities", "plan") == plans
    documents = set(visible_documents(user).values_list("pk", flat=True))
    assert rows_of(client, "documents", "id") == documents
    # The draft plan's internal links are for directors and the PMO only.
    internal = {row["internal_links"] for row in client.get("/api/v1/plan-activities/").json()[
        "results"]}  # fmt: skip
    assert (internal == {None}) == (role not in ("director", "pmo"))

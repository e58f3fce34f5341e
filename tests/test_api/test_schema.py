"""The API's OpenAPI schema (issue 21): valid, served only to those signed in or holding a
token, and committed: a change to the API that is not in config/openapi.yaml fails here,
so CI fails until `make schema` is run and its result committed."""

import io
from pathlib import Path

from django.core.management import call_command

COMMITTED = Path(__file__).resolve().parents[2] / "config" / "openapi.yaml"


def generated(tmp_path):
    out = tmp_path / "openapi.yaml"
    # --fail-on-warn: a resource whose schema drf-spectacular cannot work out fails here.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out),
                 stderr=io.StringIO())  # fmt: skip
    return out.read_text()


def test_the_schema_is_valid_and_committed(db, tmp_path):
    assert generated(tmp_path) == COMMITTED.read_text(), (
        "The API changed but config/openapi.yaml did not: run `make schema` and commit it."
    )


def test_the_schema_names_every_resource_and_the_token():
    text = COMMITTED.read_text()
    for path in ("/api/v1/programmes/", "/api/v1/projects/{code}/", "/api/v1/rag-ratings/",
                 "/api/v1/reports/{id}/"):  # fmt: skip
        assert f"  {path}:" in text, path
    assert "scheme: bearer" in text


def test_the_schema_and_its_page_need_a_token_or_a_session(client, api, token_for, alice):
    response = client.get("/api/schema/")
    assert response.status_code == 401 and "Location" not in response
    assert api(token_for(alice)).get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 302  # a page: the sign-in redirect
    client.force_login(alice)
    page = client.get("/api/docs/")
    assert page.status_code == 200
    assert "swagger-ui-bundle.js" in page.text and "js/api-docs.js" in page.text
    assert "<script>" not in page.text  # nothing inline: the CSP allows only our files
    assert client.get("/api/schema/").status_code == 200

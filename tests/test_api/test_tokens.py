"""Personal access tokens (issue 21): made, shown once, stored hashed, refused when wrong,
expired, revoked or their person switched off; read-only; rate-limited in the shared cache;
each use in the audit."""

import datetime
import io

import pytest
import time_machine
from django.core.cache import caches
from django.core.management import CommandError, call_command
from django.urls import reverse

from projects.models import ApiToken, AuditEvent, Project

PROJECTS = "/api/v1/projects/"


def refused_as_unauthorised(response):
    assert response.status_code == 401, response.content[:300]
    assert response["Content-Type"] == "application/json"
    assert "Location" not in response  # never the sign-in page
    assert response["WWW-Authenticate"].startswith("Bearer")
    return response.json()["detail"]


def test_a_token_reads_as_its_person(api, token_for, project, alice):
    response = api(token_for(alice)).get(PROJECTS)
    assert response.status_code == 200
    assert [row["code"] for row in response.json()["results"]] == ["TEST.1"]


@pytest.mark.parametrize("sent", ["", "Bearer", "Bearer a b", "Basic YWxpY2U6eA==", "Bearer xyz"])
def test_no_token_or_a_malformed_one_gets_401_in_json(api, project, sent):
    from django.test import Client

    client = Client(headers={"Authorization": sent} if sent else {})
    response = client.get(PROJECTS)
    if sent.startswith("Basic"):
        # Not a token at all: as if nothing was sent.
        assert "credentials were not provided" in refused_as_unauthorised(response)
    else:
        refused_as_unauthorised(response)


def test_a_wrong_secret_with_a_real_prefix_is_refused(api, token_for, project, alice):
    token = token_for(alice)
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert "not valid" in refused_as_unauthorised(api(forged).get(PROJECTS))


def test_an_expired_token_is_refused(api, token_for, project, alice):
    token = token_for(alice, days=1)
    assert api(token).get(PROJECTS).status_code == 200
    with time_machine.travel(datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=2)):
        refused_as_unauthorised(api(token).get(PROJECTS))


def test_a_revoked_token_is_refused_at_once(api, token_for, client_for, project, alice):
    token = token_for(alice)
    assert api(token).get(PROJECTS).status_code == 200
    row = ApiToken.objects.get(user=alice)
    client_for(alice).post(reverse("api-token-revoke", args=[row.pk]))
    refused_as_unauthorised(api(token).get(PROJECTS))
    assert AuditEvent.objects.filter(kind="api_token", description="Revoked.").exists()


def test_nobody_revokes_another_persons_token(api, token_for, client_for, project, alice, bob):
    token = token_for(alice)
    row = ApiToken.objects.get(user=alice)
    assert client_for(bob).post(reverse("api-token-revoke", args=[row.pk])).status_code == 404
    assert api(token).get(PROJECTS).status_code == 200


def test_a_switched_off_persons_tokens_stop_at_once(api, token_for, project, alice):
    token = token_for(alice)
    assert api(token).get(PROJECTS).status_code == 200
    alice.is_active = False
    alice.save()
    refused_as_unauthorised(api(token).get(PROJECTS))


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_every_method_but_reading_is_refused(api, token_for, project, alice, method):
    client = api(token_for(alice))
    for url in (PROJECTS, f"{PROJECTS}TEST.1/"):
        body = {"name": "Renamed"}
        response = getattr(client, method)(url, body, content_type="application/json")
        assert response.status_code == 405, (url, response.content)
        assert "read-only" in response.json()["detail"]
    assert Project.objects.get(code="TEST.1").name == "Library Refurbishment"


def test_head_and_options_are_answered(api, token_for, project, alice):
    client = api(token_for(alice))
    assert client.head(PROJECTS).status_code == 200
    assert client.options(PROJECTS).status_code == 200


def test_only_a_digest_is_kept(token_for, alice):
    token = token_for(alice)
    row = ApiToken.objects.get(user=alice)
    kept = " ".join(str(getattr(row, f.attname)) for f in ApiToken._meta.concrete_fields)
    secret = token.split("_", 2)[2]
    assert secret not in kept and token not in kept
    assert len(row.digest) == 64


def test_the_account_page_shows_a_new_token_once(client_for, alice, api, project):
    client = client_for(alice)
    made = client.post(reverse("api-token-create"), {"name": "Power BI", "days": 30})
    assert made.status_code == 200 and "no-store" in made["Cache-Control"]
    token = made.context["made_token"][1]
    assert token in made.text and "shown only this once" in made.text
    page = client.get(reverse("account"))
    assert token not in page.text
    assert "Power BI" in page.text and "Never" in page.text
    api(token).get(PROJECTS)
    assert "Never" not in client.get(reverse("account")).text  # its last use is shown


@pytest.mark.parametrize("days", ["0", "366", "-1", "x"])
def test_a_token_lasts_a_year_at_most(client_for, alice, days):
    response = client_for(alice).post(reverse("api-token-create"), {"name": "BI", "days": days})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_the_command_prints_a_working_token(api, project, alice):
    out, err = io.StringIO(), io.StringIO()
    call_command("create_api_token", "alice", "--name", "Nightly script", "--days", "7",
                 stdout=out, stderr=err)  # fmt: skip
    token = out.getvalue().strip()
    assert api(token).get(PROJECTS).status_code == 200
    assert "shown only this once" in err.getvalue()
    row = ApiToken.objects.get(user=alice)
    assert row.name == "Nightly script"
    assert (row.expires_at - row.created_at).days == 7


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["nobody", "--name", "x"], "Nobody has the username"),
        (["alice", "--name", "x", "--days", "400"], "1 to 365 days"),
        (["alice", "--name", "  "], "Name the token"),
    ],
)
def test_the_command_refuses_what_would_not_work(alice, arguments, message):
    with pytest.raises(CommandError, match=message):
        call_command("create_api_token", *arguments, stdout=io.StringIO(), stderr=io.StringIO())
    assert not ApiToken.objects.exists()


def test_each_use_is_in_the_audit(api, token_for, project, alice):
    token = token_for(alice)
    api(token).get(PROJECTS + "?status=active")
    event = AuditEvent.objects.filter(kind="api").get()
    assert event.actor == alice
    assert event.description == "GET /api/v1/projects/?status=active"
    assert event.object_repr.startswith("Power BI (")


def test_the_rate_is_counted_per_person_in_the_shared_cache(
    api, token_for, project, alice, bob, settings
):
    from django.conf import settings as live
    from django_redis import get_redis_connection

    from tests.workers import redis_available

    if not redis_available():
        from tests.conftest import need

        need(False, "Redis (the shared cache the rate is counted in)")
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": live.REDIS_URL,
            "KEY_PREFIX": "api-rate-test",
        }
    }
    settings.API_REQUESTS_PER_MINUTE = 3
    caches["default"].clear()
    first, second = token_for(alice), token_for(alice, name="Excel")
    codes = [api(first).get(PROJECTS).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = api(first).get(PROJECTS)
    assert limited.status_code == 429 and int(limited["Retry-After"]) <= 60
    # Another token of the same person shares the count (more tokens are no more requests).
    assert api(second).get(PROJECTS).status_code == 429
    assert api(token_for(bob)).get(PROJECTS).status_code == 200  # another person's apart
    # Counted in Redis, which every web process shares, not in this process's memory.
    keys = get_redis_connection("default").keys("api-rate-test:*api-rate:user-*")
    assert len(keys) == 2
    caches["default"].clear()


def test_a_session_that_ended_gets_401_from_the_api_not_the_sign_in_page(client, alice, project,
                                                                         settings):  # fmt: skip
    """The documentation page's "Try it out" left idle: the session ends as anywhere, but the
    API answers in JSON, not with a redirect a script would follow to an HTML page."""
    client.post(reverse("login"), {"username": "alice", "password": "correct horse battery staple"})
    assert client.get(PROJECTS).status_code == 200
    later = datetime.datetime.now(datetime.UTC) + datetime.timedelta(
        minutes=settings.SESSION_IDLE_MINUTES + 1
    )
    with time_machine.travel(later):
        refused_as_unauthorised(client.get(PROJECTS))
        assert AuditEvent.objects.filter(kind="sign_out").exists()  # it did end

"""/healthz answers without a login. Anyone gets the status and a word, `ok` or
`unavailable`, for the load balancer (issue 17, finding 9c: it told anonymous callers the
state of the database and the broker); monitoring sends HEALTHZ_TOKEN for each service's
state. The token is the only way in: behind a proxy every caller's address looks local."""

import socket

import pytest
from django.db.utils import OperationalError

from tests.conftest import need
from tests.workers import REDIS_URL, redis_available

TOKEN = "s3cret-monitoring-token-for-the-tests"


@pytest.fixture
def token(settings):
    settings.HEALTHZ_TOKEN = TOKEN
    return TOKEN


def get_with_the_database_down(client, monkeypatch, **kwargs):
    def down(*args, **kwargs):
        raise OperationalError("connection refused")

    # Only for the request: the test's own database teardown needs the real cursor.
    with monkeypatch.context() as patch:
        patch.setattr("config.views.connection.cursor", down)
        return client.get("/healthz", **kwargs)


@pytest.fixture
def real_broker(settings):
    """Tasks go to a real Redis, as in production (tests otherwise run them in-process)."""
    need(redis_available(), "Redis")
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = REDIS_URL
    return settings


def closed_port():
    """A local port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_anyone_gets_ok_and_nothing_more(client, db, token):
    response = client.get("/healthz", REMOTE_ADDR="127.0.0.1")  # a proxy's address: no trust
    assert (response.status_code, response.content) == (200, b"ok")
    assert response["Content-Type"].startswith("text/plain")


def test_anyone_gets_unavailable_when_the_database_does_not_answer(client, db, monkeypatch):
    response = get_with_the_database_down(client, monkeypatch)
    assert (response.status_code, response.content) == (503, b"unavailable")


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-token"},
        {"Authorization": f"Bearer {TOKEN}x"},
        {"X-Healthz-Token": TOKEN[:-1]},
        {"Authorization": f"Basic {TOKEN}"},
    ],
    ids=["none", "wrong", "longer", "shorter", "not bearer"],
)
def test_a_wrong_token_gets_what_anyone_gets(client, db, token, headers):
    response = client.get("/healthz", headers=headers)
    assert (response.status_code, response.content) == (200, b"ok")


def test_no_token_is_set_so_nobody_gets_the_detail(client, db, settings):
    settings.HEALTHZ_TOKEN = ""
    for headers in ({"Authorization": "Bearer "}, {"X-Healthz-Token": ""}):
        assert client.get("/healthz", headers=headers).content == b"ok"


@pytest.mark.parametrize("header", ["Authorization", "X-Healthz-Token"])
def test_monitoring_with_the_token_gets_each_service(client, db, token, header):
    value = f"Bearer {TOKEN}" if header == "Authorization" else TOKEN
    response = client.get("/healthz", headers={header: value})
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "in-process"}


def test_monitoring_is_told_the_database_does_not_answer(client, db, token, monkeypatch):
    response = get_with_the_database_down(client, monkeypatch, headers={"X-Healthz-Token": TOKEN})
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


def test_a_real_broker_that_answers(client, db, token, real_broker):
    response = client.get("/healthz", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok"}


def test_a_broker_that_does_not_answer(client, db, token, real_broker):
    real_broker.CELERY_BROKER_URL = f"redis://127.0.0.1:{closed_port()}/0"
    response = client.get("/healthz", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "broker": "unreachable"}
    # The load balancer keeps the process: pages still work without the broker.
    anyone = client.get("/healthz")
    assert (anyone.status_code, anyone.content) == (200, b"ok")

"""/healthz answers without a login, for the load balancer: the database and the broker, and
503 when the database does not answer."""

from django.db.utils import OperationalError


def test_healthz_reports_database_and_broker(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "in-process"}


def test_healthz_is_503_when_the_database_does_not_answer(client, db, monkeypatch):
    def down(*args, **kwargs):
        raise OperationalError("connection refused")

    with monkeypatch.context() as patch:
        patch.setattr("config.views.connection.cursor", down)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"

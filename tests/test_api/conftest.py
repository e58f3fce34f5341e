import pytest
from django.test import Client

from projects import api_tokens


@pytest.fixture
def token_for(db):
    """A token for `user` (lasting `days`): the token itself, as its person would copy it."""

    def make(user, days=30, name="Power BI"):
        return api_tokens.create(user, name, days)[1]

    return make


@pytest.fixture
def api():
    """A client that sends `token` as a bearer token, and no session."""

    def make(token=None):
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return Client(headers=headers, raise_request_exception=False)

    return make

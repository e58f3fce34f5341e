"""Shared fixtures. The personas follow DESIGN.md's table of who may do what:

alice    manages the project          erin     edits the project's drafts
bob      sponsors the project         charlie  manages another project
dave     sponsors another project     pam      is in the PMO
diana    is a director                olive    is signed in and nothing more
"""

import datetime
import os

import pytest
from django.contrib.auth.models import Group

from tests.factories import ProjectFactory, ReportFactory, UserFactory

REQUIRE_SERVICES = os.environ.get("REQUIRE_SERVICES") == "1"


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """Browser tests last: Playwright's event loop stays up until the session ends, and
    Django refuses database calls with a loop running in the thread (tests/e2e/conftest.py
    lifts that check for the rest of the session)."""
    items.sort(key=lambda item: "e2e" in item.path.parts)


def need(available, what):
    """Skip a test whose service is missing, or fail it when CI requires the services."""
    if available:
        return
    if REQUIRE_SERVICES:
        pytest.fail(f"{what} is required (REQUIRE_SERVICES=1) but not available")
    pytest.skip(f"{what} is not available; set it up or run with REQUIRE_SERVICES=1 to insist")


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty cache: the database is rolled back after a test, the
    process's cache is not, and a dashboard cached by one test must not leak into the next."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """Generated documents go to a folder of the test's own, never the repository's."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def alice(db):
    return UserFactory(username="alice", first_name="Alice", last_name="Archer")


@pytest.fixture
def bob(db):
    return UserFactory(
        username="bob", first_name="Bob", last_name="Baker", job_title="Director of Place"
    )


@pytest.fixture
def erin(db):
    return UserFactory(username="erin", first_name="Erin", last_name="Ellis")


@pytest.fixture
def charlie(db):
    return UserFactory(username="charlie", first_name="Charlie", last_name="Chen")


@pytest.fixture
def dave(db):
    return UserFactory(username="dave", first_name="Dave", last_name="Dunn")


@pytest.fixture
def olive(db):
    return UserFactory(username="olive", first_name="Olive", last_name="Owen")


@pytest.fixture
def pam(db):
    user = UserFactory(username="pam", first_name="Pam", last_name="Price")
    user.groups.add(Group.objects.get(name="PMO"))
    return user


@pytest.fixture
def diana(db):
    user = UserFactory(username="diana", first_name="Diana", last_name="Drake")
    user.groups.add(Group.objects.get(name="Directors"))
    return user


@pytest.fixture
def project(alice, bob, erin):
    return ProjectFactory(
        code="TEST.1", name="Library Refurbishment", manager=alice, sponsor=bob, editors=[erin]
    )


@pytest.fixture
def other_project(charlie, dave):
    return ProjectFactory(code="OTHER.2", name="Depot Move", manager=charlie, sponsor=dave)


@pytest.fixture
def report(project):
    """TEST.1's draft for March 2024, every RAG line rated."""
    return ReportFactory(project=project, period_start=datetime.date(2024, 3, 1), rated=True)


@pytest.fixture
def client_for(client):
    def login(user):
        client.force_login(user)
        return client

    return login


# --- Chat channels (issue 21): a local HTTPS server stands in for Teams or Slack ----------


@pytest.fixture
def channel_hook(settings, tmp_path):
    from tests.channel_server import running_hook

    with running_hook(settings, tmp_path) as hook:
        yield hook


@pytest.fixture
def retried(monkeypatch):
    """Tasks run in-process retry as a worker would, but at once (a worker waits): the
    tests' eager tasks otherwise raise the retry to the caller, and `make run`'s try once."""
    from projects import channels

    monkeypatch.setitem(channels.post_message.app.conf, "task_eager_propagates", False)
    monkeypatch.setattr(channels, "may_retry", lambda task: task.request.retries < 5)


@pytest.fixture
def posted(django_capture_on_commit_callbacks):
    """Run the block's on-commit callbacks: the channel messages are posted then."""
    return lambda: django_capture_on_commit_callbacks(execute=True)

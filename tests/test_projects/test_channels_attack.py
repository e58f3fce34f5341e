"""An attacker's and a demanding user's review of the chat channel messages (issue 21,
point 4). Eleven found defects, since fixed: a try held past its timeout by a trickling
channel, a try stopped by the time limit not shown as failing, a slow answer posted six times,
addresses with a curly quote or a control character (failing silently, or showing the
secret), two inside IPv6 ranges Python calls global, Slack's 3,000-character limit, a breach
told twice, no overdue message without a manager's email, a programme turned project keeping
its hook, a removal audited without its id. The others guard rules the review found holding."""

import contextlib
import datetime
import socket
import ssl
import threading
import time
import types

import pytest
import time_machine
from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction
from django.test import Client
from django.urls import reverse

from projects import channels, webhooks, workflow
from projects.forms import ChannelHookForm
from projects.models import AuditEvent, ChannelHook, Project
from projects.reminders import send_reminders
from risks import registers
from risks.alerts import watching_appetite
from risks.models import Level, RiskCategory, RiskMatrix
from tests.channel_server import make_certificate
from tests.factories import ProgrammeFactory, ReportFactory, RiskFactory, RiskRegisterFactory
from tests.forms import read_form

D = datetime.date
MESSAGE = {"text": "OFFICIAL · a test", "url": "https://highlight.example/x", "link": "Open"}


@pytest.fixture
def register(alice):
    return RiskRegisterFactory(
        name="Performance and Projects", matrix=RiskMatrix.objects.get(name="4x4"), owner=alice
    )


@pytest.fixture
def averse(db):
    category = RiskCategory.objects.get(name="Reputational")
    category.tolerated_level = Level.GREEN
    category.save()
    return category


def review(risk, user, residual):
    registers.record_review(
        risk, user, D(2024, 5, 1), "Reviewed", False, D(2024, 8, 1),
        residual_probability=residual[0], residual_impact=residual[1],
    )  # fmt: skip


@contextlib.contextmanager
def raw_tls_server(settings, tmp_path, serve):
    """A one-connection server on 127.0.0.1 whose `serve(sock)` does what the test wants,
    with a certificate Highlight trusts."""
    cert_file, key_file = make_certificate(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    stop = threading.Event()

    def run():
        with contextlib.suppress(OSError):
            conn, _ = listener.accept()
            with conn:
                serve(conn, context, stop)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    settings.CHANNEL_HOOKS_ALLOW_PRIVATE = True
    settings.CHANNEL_HOOKS_CA_FILE = str(cert_file)
    try:
        yield f"https://127.0.0.1:{listener.getsockname()[1]}/hook?sig=secret"
    finally:
        stop.set()
        listener.close()
        thread.join(5)


# --- Delivery: time, retries, duplicates ----------------------------------------------------


def test_a_trickling_channel_is_given_up_on_within_the_timeout(settings, tmp_path):
    """CHANNEL_HOOK_TIMEOUT is "seconds to connect and to be answered" (README: 10 s for each
    try), but it bounds each socket read only: a server that answers a byte at a time,
    each within the timeout, holds the worker as long as it likes (in production, until
    the task's 120 s soft limit, which is not handled either: see the next test)."""
    settings.CHANNEL_HOOK_TIMEOUT = 0.5

    def serve(conn, context, stop):
        tls = context.wrap_socket(conn, server_side=True)
        tls.recv(65536)
        tls.sendall(b"HTTP/1.1 202 Accepted\r\nX-Slow: ")
        until = time.monotonic() + 4
        while time.monotonic() < until and not stop.is_set():
            tls.sendall(b"a")
            time.sleep(0.2)
        tls.sendall(b"\r\nContent-Length: 0\r\n\r\n")
        tls.close()

    with raw_tls_server(settings, tmp_path, serve) as url:
        started = time.monotonic()
        with contextlib.suppress(webhooks.Failed):
            webhooks.post_json(url, {"text": "x"})
        took = time.monotonic() - started
    assert took < 4 * settings.CHANNEL_HOOK_TIMEOUT, f"one try took {took:.1f} s"


def test_a_try_stopped_by_the_time_limit_shows_as_failing(db, channel_hook, monkeypatch, retried):
    """post_message's soft_time_limit=120 raises SoftTimeLimitExceeded inside the post. It is
    neither Failed nor Refused: the task dies, is not tried again, and the PMO's page keeps
    saying nothing is wrong ("the page says why it failed")."""
    hook = ChannelHook.objects.create(url=channel_hook.url())

    def too_slow(url, payload):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(webhooks, "post_json", too_slow)
    channels.post_message.apply(args=(hook.pk, MESSAGE))
    hook.refresh_from_db()
    assert hook.failing and hook.last_error


def test_a_slow_answer_is_not_posted_again(db, channel_hook, settings, retried):
    """The channel takes the message but answers after the timeout: each of the six tries
    posts it again (Teams and Slack do not deduplicate), so one event is six messages, and
    the page says the channel "did not answer". A read timeout after the request was sent
    is treated like a connection that never opened."""
    settings.CHANNEL_HOOK_TIMEOUT = 0.3
    channel_hook.delay = 0.8
    hook = ChannelHook.objects.create(url=channel_hook.url())
    channels.post_message.apply(args=(hook.pk, MESSAGE))
    assert len(channel_hook.received) == 1


# --- The address ---------------------------------------------------------------------------


def test_a_non_ascii_address_is_refused_saying_why(client_for, pam, channel_hook, retried):
    """A Slack/Teams address pasted from a document with a closing curly quote is accepted by
    the form (URLField allows any non-space character), but http.client refuses a non-ASCII
    request line with UnicodeEncodeError, which post_json does not catch: the task dies
    on each event, is not retried, and the hook never shows as failing."""
    url = channel_hook.url(path="/workflows/hook?sig=secret\u201d")
    response = client_for(pam).post(
        reverse("projects:channel-organisation"), {"kind": "teams", "url": url}
    )
    assert "copy it again from the channel" in response.content.decode()
    assert not ChannelHook.objects.exists()
    # One saved before the rule (or typed in the admin) fails, and the page says why.
    hook = ChannelHook.objects.create(url=url)
    channels.post_message.apply(args=(hook.pk, MESSAGE))
    hook.refresh_from_db()
    assert hook.failing and "copy it again from the channel" in hook.last_error
    assert channel_hook.received == []


def test_a_control_character_in_the_address_never_shows_the_secret(
    client_for, pam, channel_hook, retried
):
    """http.client's InvalidURL quotes the whole path and query ("?sig=…", the secret) and it
    goes into last_error, which the channel list prints (and the worker's log): the pages
    are to show only the host. It is also tried six times, as if the channel were down."""
    client = client_for(pam)
    url = channel_hook.url(path="/workflows/hook\x7f?sig=secret")
    response = client.post(reverse("projects:channel-organisation"), {"kind": "teams", "url": url})
    assert response.status_code == 200 and not ChannelHook.objects.exists()
    assert "sig=secret" not in response.content.decode()
    hook = ChannelHook.objects.create(url=url)
    channels.post_message.apply(args=(hook.pk, MESSAGE))
    listing = client.get(reverse("projects:channel-list")).content.decode()
    assert "sig=secret" not in listing
    assert "sig=secret" not in ChannelHook.objects.get().last_error


@pytest.mark.parametrize(
    "address",
    [
        "fec0::1",  # IPv6 site-local: a private range (deprecated, still routed by some)
        "64:ff9b:1::a9fe:a9fe",  # RFC 8215 local-use NAT64 of 169.254.169.254 (metadata)
        "64:ff9b:1::a00:5",  # … and of 10.0.0.5
    ],
)
def test_private_ranges_python_3_11_calls_global_are_refused(settings, monkeypatch, address):
    """ip.is_global on Python 3.11.7 says True for these; embedded_ipv4 only knows the
    well-known NAT64 prefix 64:ff9b::/96, not the local-use 64:ff9b:1::/48."""
    settings.CHANNEL_HOOKS_ALLOW_PRIVATE = False
    monkeypatch.setattr(
        socket,
        "getaddrinfo",
        lambda *a, **k: [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", (address, 443, 0, 0))],
    )

    def connect(self):
        pytest.fail(f"connected to {address}")

    monkeypatch.setattr(webhooks.PinnedConnection, "connect", connect)
    with pytest.raises(webhooks.Refused, match="private network"):
        webhooks.post_json("https://hooks.example.com/x", {})


# --- Messages ------------------------------------------------------------------------------


def test_long_risk_titles_fit_slack_s_3000_characters(register, channel_hook, posted, monkeypatch):
    """A risk's title is a TextField, and imports fill it from a "Risk description" column
    (often a paragraph). Five such risks make a section text over Slack's 3,000-character
    limit for plain_text: Slack answers 400 invalid_blocks and nothing is posted (Refused,
    not retried). The message is meant to be short anyway."""
    ChannelHook.objects.create(url=channel_hook.url(), kind="slack")
    long = "There is a risk that the contractor's delay, " + "and its knock-on effects, " * 25
    risks = [types.SimpleNamespace(ref=f"PP_{n}", title=long) for n in range(1, 8)]
    with posted():
        channels.risks_outside_appetite(register, None, risks, "/risks/pp/", "OFFICIAL")
    assert channel_hook.bodies, "nothing was sent"
    section = channel_hook.bodies[0]["blocks"][0]["text"]["text"]
    assert len(section) <= 3000, f"{len(section)} characters"


def test_a_breach_committed_by_someone_else_during_a_write_is_posted_once(
    register, averse, alice, bob, channel_hook, posted
):
    """watching_appetite compares the register before and after the write, not the risks the
    write touched. Under READ COMMITTED, a risk another user's review takes outside while
    a long import is writing is seen "after" but not "before": it is posted by the review
    and again by the import. (Another session's commit is stood for here by a review made
    inside the import's block.)"""
    ChannelHook.objects.create(url=channel_hook.url())
    mine = RiskFactory(register=register, ref="PP_1", category=averse, residual=(1, 1))
    theirs = RiskFactory(register=register, ref="PP_2", category=averse, residual=(1, 1))
    with posted(), transaction.atomic(), watching_appetite(register) as watch:
        review(theirs, bob, (4, 4))  # someone else's review, committed meanwhile
        registers.Risk.objects.filter(pk=mine.pk).update(
            residual_probability=4, residual_impact=4
        )  # what the import writes
        watch.wrote(pk=mine.pk)  # as the import names what it wrote
    texts = channel_hook.texts()
    assert sum(text.count("PP_2") for text in texts) == 1, texts
    assert sum(text.count("PP_1") for text in texts) == 1, texts


def test_an_overdue_report_is_posted_when_its_manager_has_no_email(
    project, alice, bob, channel_hook, posted
):
    """The channel message rides on the overdue email's reminder record: when nobody the
    email is for has an address, no record is made and the channel is never told,
    though it needs no email at all."""
    ChannelHook.objects.create(url=channel_hook.url())
    project.start = D(2024, 1, 1)
    project.save()
    for month in (1, 2):
        report = ReportFactory(project=project, period_start=D(2024, month, 1))
        workflow.approve(workflow.submit(report, alice), bob)
    channel_hook.received.clear()
    alice.email = ""
    alice.save()
    with time_machine.travel(datetime.datetime(2024, 4, 9, 9), tick=False), posted():
        send_reminders(D(2024, 4, 9))
    assert len(channel_hook.received) == 1


# --- The PMO's pages -----------------------------------------------------------------------


def test_a_programme_with_a_channel_is_not_turned_into_a_project(client_for, pam, channel_hook):
    """programme_ties() (what stops the project form turning a programme into a project)
    does not count its channel. Turned, the programme's hook and its secret address stay:
    the list shows programmes only and the programme's page is a 404, so the PMO can
    neither see nor remove it."""
    programme = ProgrammeFactory(code="PROG.9")
    ChannelHook.objects.create(programme=programme, url=channel_hook.url())
    client = client_for(pam)
    url = reverse("projects:project-edit", args=["PROG.9"])
    form = read_form(client, url)
    response = client.post(url, {**form.fields, "kind": "project"})
    assert "its own chat channel" in response.content.decode()
    assert Project.objects.get(code="PROG.9").kind == Project.Kind.PROGRAMME


def test_removing_a_channel_is_audited_with_its_id(client_for, pam, channel_hook):
    """The removal is recorded after hook.delete(), when hook.pk is None: the audit event's
    object_id is "None", so it cannot be matched to the event that set the channel."""
    client = client_for(pam)
    page = reverse("projects:channel-organisation")
    client.post(page, {"kind": "teams", "url": channel_hook.url()})
    pk = ChannelHook.objects.get().pk
    client.post(page, {"action": "remove"})
    removed = AuditEvent.objects.get(kind="channel", description__startswith="Channel removed")
    assert removed.object_id == str(pk)


# --- Rules that hold -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "method, name, args, data",
    [
        ("get", "projects:channel-list", [], None),
        ("get", "projects:channel-organisation", [], None),
        ("post", "projects:channel-organisation", [], {"kind": "slack", "url": "https://e.com/x"}),
        ("post", "projects:channel-organisation", [], {"action": "remove"}),
        ("post", "projects:channel-organisation", [], {"action": "test"}),
        ("post", "projects:channel-programme", ["PROG.1"], {"action": "remove"}),
    ],
)
def test_only_the_pmo_reaches_the_channel_pages(
    client_for, alice, bob, channel_hook, method, name, args, data
):
    programme = ProgrammeFactory(code="PROG.1", manager=alice, sponsor=bob)
    ChannelHook.objects.create(url=channel_hook.url())
    ChannelHook.objects.create(programme=programme, url=channel_hook.url(path="/p?sig=secret"))
    for user in (alice, bob):
        response = getattr(client_for(user), method)(reverse(name, args=args), data)
        assert response.status_code == 403
        assert "secret" not in response.content.decode()
    assert ChannelHook.objects.count() == 2
    assert channel_hook.received == []


def test_the_channel_form_needs_the_csrf_token(pam, channel_hook):
    client = Client(enforce_csrf_checks=True)
    client.force_login(pam)
    response = client.post(
        reverse("projects:channel-organisation"), {"kind": "teams", "url": channel_hook.url()}
    )
    assert response.status_code == 403
    assert not ChannelHook.objects.exists()


def test_a_refused_address_is_not_printed_back(client_for, pam):
    response = client_for(pam).post(
        reverse("projects:channel-organisation"),
        {"kind": "teams", "url": "https://user:sig-secret@hooks.example.com/x?sig=secret"},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "user name or password" in page and "secret" not in page


@pytest.mark.parametrize(
    "url",
    [
        "https://hooks.example.com@127.0.0.1/x",
        "https://[::ffff:7f00:1]/x",
        "https://[0:0:0:0:0:ffff:a9fe:a9fe]/x",
        "https://10.0.0.5:443/x",
    ],
)
def test_the_form_refuses_userinfo_and_inside_literals(client_for, pam, url, settings):
    settings.CHANNEL_HOOKS_ALLOW_PRIVATE = False
    response = client_for(pam).post(
        reverse("projects:channel-organisation"), {"kind": "teams", "url": url}
    )
    assert response.status_code == 200
    assert not ChannelHook.objects.exists()


def test_two_pmo_users_setting_the_organisation_s_channel_at_once(
    client_for, pam, channel_hook, monkeypatch
):
    """The second save meets the unique constraint and is told, not shown a 500."""
    real_save = ChannelHookForm.save

    def someone_else_first(self, *args, **kwargs):
        ChannelHook.objects.create(url=channel_hook.url(path="/theirs"))
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(ChannelHookForm, "save", someone_else_first)
    response = client_for(pam).post(
        reverse("projects:channel-organisation"), {"kind": "teams", "url": channel_hook.url()}
    )
    assert response.status_code == 200
    assert "Someone set this channel a moment ago" in response.content.decode()
    assert ChannelHook.objects.get().url.endswith("/theirs")


def test_a_hook_removed_before_the_message_is_sent_posts_nothing(db, channel_hook, retried):
    hook = ChannelHook.objects.create(url=channel_hook.url())
    pk = hook.pk
    hook.delete()
    channels.post_message.apply(args=(pk, MESSAGE))
    assert channel_hook.received == []


def test_a_server_that_never_finishes_the_handshake_is_given_up_on(settings, tmp_path):
    settings.CHANNEL_HOOK_TIMEOUT = 0.5

    def serve(conn, context, stop):
        stop.wait(5)  # accepts, says nothing

    with raw_tls_server(settings, tmp_path, serve) as url:
        started = time.monotonic()
        with pytest.raises(webhooks.Failed, match="did not answer"):
            webhooks.post_json(url, {"text": "x"})
        assert time.monotonic() - started < 2


def test_a_rolled_back_submission_posts_nothing(report, alice, channel_hook, posted):
    ChannelHook.objects.create(url=channel_hook.url())
    with posted(), transaction.atomic():
        workflow.submit(report, alice)
        transaction.set_rollback(True)
    assert channel_hook.received == []


def test_approving_posts_once_and_a_back_dated_review_posts_nothing(
    report, alice, bob, register, averse, channel_hook, posted
):
    ChannelHook.objects.create(url=channel_hook.url())
    with posted():
        workflow.approve(workflow.submit(report, alice), bob)
    assert len(channel_hook.received) == 2  # submitted, approved
    risk = RiskFactory(register=register, ref="PP_1", category=averse, residual=(1, 1))
    review(risk, alice, (1, 1))
    with posted():
        registers.record_review(
            risk, alice, D(2024, 1, 1), "Old", False, D(2024, 8, 1),
            residual_probability=4, residual_impact=4,
        )  # fmt: skip
    assert len(channel_hook.received) == 2


def test_slack_mentions_and_links_in_typed_text_stay_text(register, channel_hook, posted):
    ChannelHook.objects.create(url=channel_hook.url(), kind="slack")
    risks = [types.SimpleNamespace(ref="PP_1", title="<!here> <https://evil.example|Pay> @channel")]
    with posted():
        channels.risks_outside_appetite(register, None, risks, "/r/", "OFFICIAL")
    body = channel_hook.bodies[0]
    assert "<!here>" not in body["text"] and "<https://" not in body["text"]
    assert body["blocks"][0]["text"]["type"] == "plain_text"

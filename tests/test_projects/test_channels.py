"""Messages to the organisation's chat channels (issue 21, point 4), posted to a local
HTTPS server the test starts (tests/channel_server.py)."""

import datetime
import socket

import pytest
import time_machine
from django.urls import reverse

from projects import channels, webhooks, workflow
from projects.models import AuditEvent, ChannelHook
from projects.reminders import send_reminders
from tests.factories import ProgrammeFactory, ProjectFactory, ReportFactory

D = datetime.date


@pytest.fixture
def programme(project):
    project.parent = ProgrammeFactory(code="PROG.1", name="Culture Programme")
    project.save()
    return project.parent


def test_submission_approval_and_return_each_post_one_message(
    report, alice, bob, channel_hook, posted, programme
):
    ChannelHook.objects.create(programme=programme, url=channel_hook.url())
    with posted():
        workflow.submit(report, alice)
    with posted():
        workflow.return_to_manager(report, bob, "Please add the budget.")
    with posted():
        workflow.submit(report, alice)
    with posted():
        workflow.approve(report, bob)
    what = "OFFICIAL · TEST.1 Library Refurbishment: the highlight report for March 2024 was"
    assert channel_hook.texts() == [
        f"{what} submitted for approval by Alice Archer.",
        f"{what} returned to the manager by Bob Baker.",
        f"{what} submitted for approval by Alice Archer.",
        f"{what} approved by Bob Baker.",
    ]
    card = channel_hook.bodies[-1]["attachments"][0]
    assert card["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert card["content"]["actions"] == [
        {
            "type": "Action.OpenUrl",
            "title": "Open the report",
            "url": "http://127.0.0.1:8000/projects/TEST.1/reports/2024-03/",
        }
    ]
    assert {r["path"] for r in channel_hook.received} == {"/workflows/hook?sig=secret"}
    assert {r["type"] for r in channel_hook.received} == {"application/json"}
    assert ChannelHook.objects.get().last_sent_at is not None


def test_a_programme_without_a_channel_and_a_standalone_project_use_the_organisation_s(
    report, alice, bob, charlie, dave, channel_hook, posted, programme
):
    ChannelHook.objects.create(programme=None, url=channel_hook.url(), kind="slack")
    other = ProgrammeFactory(code="PROG.2")
    ChannelHook.objects.create(programme=other, url=channel_hook.url(path="/other"))
    standalone = ProjectFactory(code="SOLO", manager=charlie, sponsor=dave)
    with posted():
        workflow.submit(report, alice)
        workflow.submit(ReportFactory(project=standalone, period_start=D(2024, 3, 1)), charlie)
    assert [r["path"] for r in channel_hook.received] == ["/workflows/hook?sig=secret"] * 2
    assert channel_hook.texts()[1].startswith("OFFICIAL · SOLO ")
    assert channel_hook.bodies[0]["blocks"][1]["elements"][0]["url"].endswith("/2024-03/")


def test_with_no_channel_nothing_is_queued(report, alice, posted, monkeypatch):
    queued = []
    monkeypatch.setattr(channels, "queue", lambda *args: queued.append(args))
    with posted():
        workflow.submit(report, alice)
    assert queued == []
    ChannelHook.objects.create(url="https://hooks.example.com/x")
    with posted():
        workflow.withdraw(report, alice)  # withdrawing is not announced
        workflow.submit(report, alice)
    assert len(queued) == 1
    assert queued[0][1]["text"].endswith("was submitted for approval by Alice Archer.")


def test_typed_text_is_never_markup(project, report, alice, channel_hook, posted):
    project.name = "[Click](https://evil.example) <!channel> & *bold*"
    project.save()
    ChannelHook.objects.create(url=channel_hook.url(), kind="slack")
    ChannelHook.objects.create(programme=ProgrammeFactory(), url=channel_hook.url())
    with posted():
        workflow.submit(report, alice)
    slack = channel_hook.bodies[0]
    assert slack["blocks"][0]["text"]["type"] == "plain_text"
    assert "[Click](https://evil.example) <!channel> & *bold*" in slack["blocks"][0]["text"]["text"]
    assert "&lt;!channel&gt; &amp; *bold*" in slack["text"]
    assert "<!channel>" not in slack["text"]
    assert channels.teams({"text": "[a](b)", "url": "u", "link": "l"})["attachments"][0]["content"][
        "body"
    ][0]["inlines"] == [{"type": "TextRun", "text": "[a](b)"}]


def test_a_failing_channel_never_holds_up_the_action(report, alice, channel_hook, posted, retried):
    """The channel answers 500 every time: the submission stands, the task tries six times
    and the PMO's page says why it gave up."""
    ChannelHook.objects.create(url=channel_hook.url())
    channel_hook.answers = [500]
    with posted():
        workflow.submit(report, alice)
    report.refresh_from_db()
    assert report.status == "submitted"
    assert len(channel_hook.received) == 6
    hook = ChannelHook.objects.get()
    assert hook.failing and hook.last_sent_at is None
    assert hook.last_error == "localhost answered 500. Gave up after 6 tries."


def test_a_busy_channel_is_tried_again_until_it_takes_the_message(
    report, alice, channel_hook, posted, retried
):
    ChannelHook.objects.create(url=channel_hook.url())
    channel_hook.answers = [503, 429, 202]
    with posted():
        workflow.submit(report, alice)
    assert len(channel_hook.received) == 3
    assert not ChannelHook.objects.get().failing


def test_in_process_a_failing_channel_is_tried_once(report, alice, channel_hook, posted):
    """Without a worker (`make run`) the message is posted from the request: it does not
    hold the page up for six tries."""
    ChannelHook.objects.create(url=channel_hook.url())
    channel_hook.answers = [500]
    with posted():
        workflow.submit(report, alice)
    assert len(channel_hook.received) == 1
    assert ChannelHook.objects.get().last_error == "localhost answered 500. Gave up after 1 try."


def test_a_broker_that_is_down_loses_the_message_not_the_action(
    report, alice, channel_hook, posted, monkeypatch
):
    ChannelHook.objects.create(url=channel_hook.url())

    def down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(channels.post_message, "delay", down)
    with posted():
        workflow.submit(report, alice)
    report.refresh_from_db()
    assert report.status == "submitted"
    assert channel_hook.received == []


def test_a_redirect_is_not_followed(channel_hook):
    channel_hook.answers = [302]
    channel_hook.location = channel_hook.url(path="/elsewhere")
    with pytest.raises(webhooks.Refused, match="redirect"):
        webhooks.post_json(channel_hook.url(), {"text": "x"})
    assert len(channel_hook.received) == 1


def test_a_slow_channel_times_out(channel_hook, settings):
    settings.CHANNEL_HOOK_TIMEOUT = 0.3
    channel_hook.delay = 1
    with pytest.raises(webhooks.Refused, match="took the message but gave no answer"):
        webhooks.post_json(channel_hook.url(), {"text": "x"})


def test_a_channel_answering_a_byte_at_a_time_is_given_up_on(channel_hook, settings):
    """Each byte comes within the timeout; the whole try still ends after twice it."""
    settings.CHANNEL_HOOK_TIMEOUT = 0.5
    channel_hook.trickle = 0.1
    with pytest.raises(webhooks.Refused, match="took the message but gave no answer"):
        webhooks.post_json(channel_hook.url(), {"text": "x"})
    # Highlight hung up after about a second: the server had 1,000 bytes to send.
    assert channel_hook.trickled < 100


def test_an_untrusted_certificate_is_refused(channel_hook, settings):
    settings.CHANNEL_HOOKS_CA_FILE = ""
    with pytest.raises(webhooks.Refused, match="certificate is not trusted"):
        webhooks.post_json(channel_hook.url(), {"text": "x"})
    assert channel_hook.received == []


@pytest.mark.parametrize(
    "url",
    [
        "https://localhost:{port}/x",
        "https://127.0.0.1:{port}/x",
        "https://2130706433:{port}/x",  # 127.0.0.1 written as a number
        "https://[::ffff:127.0.0.1]:{port}/x",
        "https://[::1]:{port}/x",
    ],
)
def test_this_machine_is_never_posted_to_unless_the_tests_allow_it(channel_hook, settings, url):
    settings.CHANNEL_HOOKS_ALLOW_PRIVATE = False
    with pytest.raises(webhooks.Refused, match="this machine or a private network"):
        webhooks.post_json(url.format(port=channel_hook.port), {"text": "x"})
    assert channel_hook.received == []


@pytest.mark.parametrize(
    "address",
    ["10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254", "100.64.0.1", "0.0.0.0",  # noqa: S104
     "224.0.0.1", "fe80::1", "fc00::1", "64:ff9b::a9fe:a9fe", "2002:c0a8:101::1"],
)  # fmt: skip
def test_a_name_leading_inside_is_refused_before_connecting(settings, monkeypatch, address):
    """Checked on the address the name resolves to, not on the name: a public-looking name
    that resolves to the cloud's metadata address, a private range or IPv4 hidden in IPv6."""
    settings.CHANNEL_HOOKS_ALLOW_PRIVATE = False
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    monkeypatch.setattr(
        socket, "getaddrinfo", lambda *a, **k: [(family, socket.SOCK_STREAM, 6, "", (address, 443))]
    )
    monkeypatch.setattr(socket, "create_connection", pytest.fail)
    with pytest.raises(webhooks.Refused, match=address.split("/")[0]):
        webhooks.post_json("https://hooks.example.com/x", {})


def test_the_connection_goes_to_the_address_checked_with_the_name_kept(channel_hook, monkeypatch):
    """Resolved once: a name that answers differently a moment later (DNS rebinding) cannot
    move the connection; the certificate and the Host header are still for the name."""
    answers = iter(["127.0.0.1", "10.9.9.9"])
    lookups = []

    def resolve(host, port, *args, **kwargs):
        lookups.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    webhooks.post_json(channel_hook.url(host="hooks.example.test"), {"text": "x"})
    assert lookups == ["hooks.example.test"]
    assert channel_hook.received[0]["host"] == f"hooks.example.test:{channel_hook.port}"


@pytest.mark.parametrize(
    "url",
    ["http://hooks.example.com/x", "ftp://hooks.example.com/x", "https://user:pw@hooks.example.com/x",
     "https:///x", "https://hooks.example.com:99999/x"],
)  # fmt: skip
def test_only_plain_https_addresses(url):
    with pytest.raises(webhooks.Refused):
        webhooks.post_json(url, {})


def test_an_overdue_report_posts_once(project, alice, bob, channel_hook, posted):
    ChannelHook.objects.create(url=channel_hook.url())
    project.start = D(2024, 1, 1)
    project.save()
    for month in (1, 2):
        report = ReportFactory(project=project, period_start=D(2024, month, 1))
        workflow.approve(workflow.submit(report, alice), bob)
    channel_hook.received.clear()
    for day in (9, 10, 13, 18):  # overdue, then escalated to the sponsor and a director
        with time_machine.travel(datetime.datetime(2024, 4, day, 9), tick=False), posted():
            send_reminders(D(2024, 4, day))
    assert channel_hook.texts() == [
        "OFFICIAL · TEST.1 Library Refurbishment: the highlight report for March 2024 was "
        "due on 8 April 2024 and has not been submitted."
    ]


# --- The PMO's page ------------------------------------------------------------------------


def test_the_pmo_sets_tests_and_removes_a_channel(client_for, pam, channel_hook, posted):
    client = client_for(pam)
    page = reverse("projects:channel-organisation")
    response = client.post(page, {"kind": "slack", "url": channel_hook.url()})
    assert response.status_code == 302
    hook = ChannelHook.objects.get(programme=None)
    assert (hook.kind, hook.url, hook.changed_by) == ("slack", channel_hook.url(), pam)
    listing = client.get(reverse("projects:channel-list")).content.decode()
    assert "Slack (an incoming webhook)" in listing and "secret" not in listing
    edit = client.get(page).content.decode()
    assert "sig=secret" not in edit and "Leave empty to keep the address saved" in edit
    # Saving without retyping the address keeps it.
    client.post(page, {"kind": "teams", "url": ""})
    assert ChannelHook.objects.get().url == channel_hook.url()
    with posted():
        client.post(page, {"action": "test"})
    assert channel_hook.texts() == [
        "A test message from Highlight: the organisation's reports and risks are posted here."
    ]
    client.post(page, {"action": "remove"})
    assert not ChannelHook.objects.exists()
    events = AuditEvent.objects.filter(kind="channel").values_list("description", flat=True)
    assert sorted(events) == [
        "Channel removed (it posted to localhost).",
        "Channel set: Microsoft Teams (a Workflows webhook) at localhost.",
        "Channel set: Slack (an incoming webhook) at localhost.",
    ]


@pytest.mark.parametrize(
    "url, error",
    [
        ("http://hooks.example.com/x", "Only https://"),
        ("https://10.0.0.5/hook", "private network"),
        ("https://localhost/hook", "private network"),
        ("https://[::1]/hook", "private network"),
        ("not an address", "Enter a valid URL"),
    ],
)
def test_the_form_refuses_what_would_never_be_posted(client_for, pam, url, error):
    response = client_for(pam).post(
        reverse("projects:channel-organisation"), {"kind": "teams", "url": url}
    )
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not ChannelHook.objects.exists()


def test_a_programme_s_channel_page_is_for_programmes_only(client_for, pam, project, programme):
    client = client_for(pam)
    assert client.get(reverse("projects:channel-programme", args=["TEST.1"])).status_code == 404
    response = client.post(
        reverse("projects:channel-programme", args=["PROG.1"]),
        {"kind": "teams", "url": "https://prod-01.westeurope.logic.azure.com/workflows/1"},
    )
    assert response.status_code == 302
    assert ChannelHook.objects.get().programme == programme
    listing = client.get(reverse("projects:channel-list")).content.decode()
    assert "prod-01.westeurope.logic.azure.com" in listing
    assert "/workflows/1" not in listing

import pytest
from django.core import mail

from projects import workflow


@pytest.fixture
def send_mail_now(django_capture_on_commit_callbacks):
    """Run the on-commit callbacks (the email tasks) of the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_sponsor_is_told_when_a_report_is_submitted(report, alice, bob, send_mail_now):
    with send_mail_now():
        workflow.submit(report, alice)
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [bob.email]
    assert (
        message.subject
        == "[OFFICIAL] TEST.1 highlight report for March 2024 is ready for your approval"
    )
    assert "Alice Archer has submitted" in message.body
    assert "http://127.0.0.1:8000/projects/TEST.1/reports/2024-03/" in message.body


def test_manager_is_told_of_approval_and_of_return(report, alice, bob, send_mail_now):
    workflow.submit(report, alice)
    with send_mail_now():
        workflow.return_to_manager(report, bob, "Please add the budget.")
    assert mail.outbox[-1].to == [alice.email]
    assert "returned by the sponsor" in mail.outbox[-1].subject
    assert "Please add the budget." in mail.outbox[-1].body
    workflow.submit(report, alice)
    with send_mail_now():
        workflow.approve(report, bob)
    assert mail.outbox[-1].to == [alice.email]
    assert mail.outbox[-1].subject == "[OFFICIAL] TEST.1 highlight report for March 2024 approved"


def test_a_refused_step_sends_nothing(report, alice, bob, send_mail_now):
    with send_mail_now(), pytest.raises(workflow.TransitionNotAllowed):
        workflow.approve(report, bob)  # still a draft
    assert mail.outbox == []


def test_user_text_in_emails_is_plain_text(report, alice, bob, send_mail_now):
    workflow.submit(report, alice)
    with send_mail_now():
        workflow.return_to_manager(report, bob, "Fix <b>this</b> & that")
    assert "Fix <b>this</b> & that" in mail.outbox[-1].body  # plain text, not HTML-escaped
    assert mail.outbox[-1].content_subtype == "plain"

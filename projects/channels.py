"""Short messages to the organisation's chat channels (issue 21): a report submitted,
approved, returned or overdue, and risks newly outside appetite, each posted once with a
link, to the programme's channel or else the organisation's (models.ChannelHook).

Messages are composed when the event happens and posted by a Celery task once the
transaction commits, so a slow or broken channel never holds up the action, and a
rolled-back action (an import's preview) posts nothing. What people typed goes into the
message as plain text (a Teams TextRun, a Slack plain_text block), never as markup, so a
project called "[click here](…)" prints as written.
"""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import markings, webhooks
from .models import ChannelHook
from .notifications import absolute

logger = logging.getLogger(__name__)
MOST_NAMED = 5  # risks named in one message; the rest are counted
# A message is short: a name or title is cut to this, the whole text to MOST_TEXT (Slack
# refuses a text over 3,000 characters, Teams a card over 28 KB).
MOST_NAME, MOST_TEXT = 120, 1500


def hook_for(project, hooks=None):
    """The channel a project's (or a programme's) events go to: its programme's, else the
    organisation's; None if neither is set. `project` None: the organisation's. `hooks`
    (all_hooks()) saves the query when there are many projects to ask for."""
    programme_id = None
    if project is not None:
        programme_id = project.pk if project.kind == project.Kind.PROGRAMME else project.parent_id
    if hooks is None:
        hooks = all_hooks(Q(programme=None) | Q(programme=programme_id))
    return hooks.get(programme_id) or hooks.get(None)


def all_hooks(*where):
    return {hook.programme_id: hook for hook in ChannelHook.objects.filter(*where)}


def announce(project, text, url, link_title, marking, hook=None):
    """Post `text` (with a link) to the project's channel once the transaction commits."""
    hook = hook or hook_for(project)
    if hook is None:
        return
    message = {"text": short(f"{marking} · {text}", MOST_TEXT), "url": absolute(url),
               "link": link_title}  # fmt: skip
    transaction.on_commit(lambda: queue(hook.pk, message))


def queue(hook_pk, message):
    try:
        post_message.delay(hook_pk, message)
    except Exception:
        # The broker is down. The action has happened; the channel is told nothing rather
        # than the request waiting on a channel that may be slow too.
        logger.exception("Could not queue a channel message: %s", message["text"])


@shared_task(bind=True, max_retries=5, acks_late=True, soft_time_limit=120)
def post_message(self, hook_pk, message):
    hook = ChannelHook.objects.filter(pk=hook_pk).first()
    if hook is None:
        return  # removed since: the PMO no longer wants these messages there
    try:
        webhooks.post_json(hook.url, payload(hook.kind, message))
    except webhooks.Failed as error:
        if may_retry(self):
            raise self.retry(countdown=min(600, 30 * 2**self.request.retries)) from error
        tries = self.request.retries + 1
        failed(hook, f"{error} Gave up after {tries} {'try' if tries == 1 else 'tries'}.")
    except webhooks.Refused as error:
        failed(hook, str(error))
    except SoftTimeLimitExceeded:
        failed(hook, "Posting took longer than two minutes and was stopped.")
    else:
        ChannelHook.objects.filter(pk=hook.pk).update(last_sent_at=timezone.now())


def may_retry(task):
    """A worker waits between tries. Run in-process (no broker, as `make run`), the task
    would hold up the page it runs in for every try, so it tries once."""
    return not task.request.is_eager and task.request.retries < task.max_retries


def failed(hook, why):
    logger.warning("Channel message not posted to %s: %s", hook.host, why)
    ChannelHook.objects.filter(pk=hook.pk).update(
        last_failed_at=timezone.now(), last_error=why[:300]
    )


def payload(kind, message):
    if kind == ChannelHook.Kind.SLACK:
        return slack(message)
    return teams(message)


def teams(message):
    """An Adaptive Card, as a Teams Workflows webhook takes it. A TextRun shows its text
    as written: Adaptive Cards read no Markdown in one."""
    card = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": [
            {
                "type": "RichTextBlock",
                "inlines": [{"type": "TextRun", "text": message["text"]}],
            }
        ],
        "actions": [{"type": "Action.OpenUrl", "title": message["link"], "url": message["url"]}],
    }
    return {
        "type": "message",
        "attachments": [
            {
                "contentType": "application/vnd.microsoft.card.adaptive",
                "contentUrl": None,
                "content": card,
            }
        ],
    }


def slack(message):
    """Blocks with the text as plain_text; the notification's own text has Slack's three
    control characters escaped, so nothing typed becomes a link or a mention."""
    return {
        "text": slack_escape(message["text"]),
        "blocks": [
            {"type": "section", "text": {"type": "plain_text", "text": message["text"]}},
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": message["link"]},
                        "url": message["url"],
                    }
                ],
            },
        ],
    }


def slack_escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def short(text, most=MOST_NAME):
    text = " ".join(str(text).split())
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def report_event(report, event, by=None):
    """submitted / approved / returned / overdue, for one highlight report."""
    project = report.project
    what = f"{project.code} {short(project.name)}: the highlight report for {report.period_label}"
    text = {
        "submitted": f"{what} was submitted for approval by {by}.",
        "approved": f"{what} was approved by {by}.",
        "returned": f"{what} was returned to the manager by {by}.",
    }.get(event)
    announce(project, text, report.get_absolute_url(), "Open the report",
             markings.marking_of(report))  # fmt: skip


def report_overdue(due, hook=None):
    """The report for a period is overdue (reminders, once per project and period)."""
    project = due.project
    text = (
        f"{project.code} {short(project.name)}: the highlight report for {due.period_label} "
        f"was due on {due.due:%-d %B %Y} and has not been submitted."
    )
    page, link = (due.report, "Open the draft") if due.report else (project, "Open the project")
    announce(project, text, page.get_absolute_url(), link, markings.marking_of(project), hook)


def risks_outside_appetite(register, project, risks, url, marking):
    """Risks of one register that have just gone outside appetite (called by risks)."""
    named = "; ".join(f"{risk.ref} {short(risk.title)}" for risk in risks[:MOST_NAMED])
    more = len(risks) - MOST_NAMED
    if len(risks) == 1:
        text = f"{short(register)}: risk {named} is now outside the risk appetite."
    else:
        text = f"{short(register)}: {len(risks)} risks are now outside the risk appetite: {named}"
        text += f" and {more} more." if more > 0 else "."
    announce(project, text, url, "Open the register" if len(risks) > 1 else "Open the risk",
             marking)  # fmt: skip


def send_test_message(hook):
    where = hook.programme or "the organisation"
    message = {
        "text": f"A test message from Highlight: {where}'s reports and risks are posted here.",
        "url": absolute("/"),
        "link": "Open Highlight",
    }
    transaction.on_commit(lambda: queue(hook.pk, message))

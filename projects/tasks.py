import logging

from celery import shared_task
from django.core.mail import send_mail
from django.utils import timezone

logger = logging.getLogger(__name__)


@shared_task(bind=True, max_retries=5, acks_late=True)
def send_email(self, subject, body, recipients):
    try:
        send_mail(subject, body, None, recipients)
    except OSError as exc:  # the mail server is down or refused us: try again later
        raise self.retry(exc=exc, countdown=min(600, 30 * 2**self.request.retries)) from exc


@shared_task
def send_report_reminders():
    from .reminders import send_reminders

    return len(send_reminders(timezone.localdate()))

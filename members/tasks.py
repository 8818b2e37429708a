from __future__ import annotations

import smtplib

from celery import shared_task
from django.utils import timezone

from . import services
from .models import ApplicationEvent


@shared_task(
    acks_late=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=None,
)
def send_applicant_email(event_id: int) -> None:
    """Retries come from Celery; should the retry itself be lost, the sweep sends it."""
    event = ApplicationEvent.objects.filter(pk=event_id).first()
    if event is not None:
        services.send_applicant_email(event)


@shared_task
def sweep_applicant_emails() -> None:
    """Publish the emails whose task was lost, e.g. because Redis was down at the commit."""
    due = ApplicationEvent.objects.email_due(timezone.now())
    for event_id in due.values_list("pk", flat=True):
        send_applicant_email.delay(event_id)

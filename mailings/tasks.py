from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services


@shared_task(
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=5,
    retry_backoff_max=300,
    max_retries=None,
)
def queue_mailing_task(mailing_id: int) -> None:
    """Hand a mailing's pending recipients to the outbox; running it twice does no harm."""
    services.queue_mailing(mailing_id)


@shared_task(name="mailings.tasks.sweep")
def sweep() -> None:
    services.sweep()

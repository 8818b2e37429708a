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
def send_batch_task(batch: str) -> None:
    """Sends what of the batch is due now; a retry is published for when it is due. Should
    the database stay away longer than the sender waits for it, the task tries again."""
    services.send_batch(batch)


@shared_task(name="outbox.tasks.sweep")
def sweep() -> None:
    services.sweep()

from __future__ import annotations

from celery import shared_task
from django.db import InterfaceError, OperationalError
from django.utils import timezone

from . import retention as retention_service


@shared_task(
    name="network.tasks.retention",
    acks_late=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=60,
    max_retries=5,
)
def retention() -> dict[str, int]:
    """Nightly (CELERY_BEAT_SCHEDULE): remove what is due now. Run twice, the second
    run finds nothing left to do."""
    return retention_service.carry_out(retention_service.plan(timezone.now()))

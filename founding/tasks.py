from __future__ import annotations

from celery import shared_task

from . import services


@shared_task
def flag_large_groups() -> None:
    """Flags the groups large enough to found an association, for their list in admin."""
    services.flag_large_groups()

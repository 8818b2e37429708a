from __future__ import annotations

from celery import shared_task

from . import figures


@shared_task
def count_network() -> None:
    """Counts the network for the dashboard, so that its page reads the count."""
    figures.count_and_keep()

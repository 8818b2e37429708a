from __future__ import annotations

from celery import shared_task

from . import services


@shared_task(name="meetups.tasks.send_reminders")
def send_reminders() -> None:
    services.send_reminders()


@shared_task
def send_new_link_task(address: str) -> None:
    """In the worker, so that the request takes the same time for any address."""
    services.ask_for_new_link(address)

"""Publishing Celery tasks after a commit, without losing work when the broker is down.

Celery's `delay_on_commit()` raises into the request when Redis is unreachable, after
the data has already been committed. Every task published through here has its work
recorded in the database first, and a periodic sweep picks that work up, so a failed
publish is logged and left to the sweep instead of turning a successful approval
into an error page.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from functools import partial

from celery import Task
from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def _publish(task: Task, args: tuple, countdown: float | None) -> None:
    try:
        task.apply_async(args=args, countdown=countdown)
    except OperationalError:
        logger.warning("Broker unreachable: %s%r left to the sweep", task.name, args)


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff between sending attempts: 30 s, 1 min, 2 min, ... up to 1 h."""
    return timedelta(seconds=min(30 * 2 ** max(attempts - 1, 0), 3600))


def enqueue_on_commit(task: Task, *args, countdown: float | None = None) -> None:
    transaction.on_commit(partial(_publish, task, args, countdown))

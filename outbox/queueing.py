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

# A task published on commit normally runs within seconds; work older than this
# without a first attempt lost its task (e.g. Redis was down) and the sweep takes it.
LOST_TASK_GRACE = timedelta(minutes=2)


def publish(task: Task, *args, countdown: float = 0) -> None:
    """Publish now (to run in `countdown` seconds); should the broker be unreachable, the
    sweep publishes it later."""
    try:
        task.apply_async(args=args, countdown=countdown)
    except OperationalError:
        logger.warning("Broker unreachable: %s%r left to the sweep", task.name, args)


def enqueue_on_commit(task: Task, *args, countdown: float = 0) -> None:
    transaction.on_commit(partial(publish, task, *args, countdown=countdown))

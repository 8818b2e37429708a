"""Fault: Redis accepts connections but answers nothing (a stalled host, a partition)
at the moment an approval commits."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from contactlists.models import ContactList, GroupChange
from outbox.queueing import LOST_TASK_GRACE

from ..seeding import seed_group
from .conftest import apply, approve, copies_per_member

pytestmark = pytest.mark.integration

# A request that waits longer than this for the broker is an error page for the
# secretariat (gunicorn's default worker timeout is 30 s).
PATIENCE = 20


def test_an_approval_while_redis_hangs_returns_and_the_sweep_sends_the_list_once(
    own_stack, alstrom, secretariat
):
    group = seed_group(alstrom, 5)
    application = apply("Freja Christensen", alstrom)
    own_stack.wait_until_idle()
    own_stack.smtp.clear()

    own_stack.redis.freeze()
    returned = threading.Event()
    errors: list[BaseException] = []

    def approve_as_a_request_would():
        try:
            approve(application, group, secretariat)
        except BaseException as exc:  # reported by the test below
            errors.append(exc)
        finally:
            connection.close()
            returned.set()

    request = threading.Thread(target=approve_as_a_request_would, daemon=True)
    request.start()
    try:
        in_time = returned.wait(timeout=PATIENCE)
    finally:
        own_stack.redis.thaw()
        request.join(timeout=30)
    assert in_time, (
        f"approve_application still waited for the unresponsive Redis after {PATIENCE}s: "
        "the publish after the commit has no socket timeout"
    )
    assert errors == []

    change = GroupChange.objects.get(group=group)
    if change.handled_at is None:
        GroupChange.objects.filter(pk=change.pk).update(
            created_at=timezone.now()
            - timedelta(seconds=settings.CONTACT_LIST_COALESCE_SECONDS)
            - LOST_TASK_GRACE
            - timedelta(seconds=1)
        )
    own_stack.sweep_until(
        lambda: ContactList.objects.filter(group=group, version=2).exists(),
        timeout=60,
        what="version 2 built after Redis answered again",
    )
    own_stack.wait_until_idle(timeout=60)
    own_stack.smtp.wait_for(6, timeout=10)

    copies = copies_per_member(own_stack.smtp, group)
    assert len(copies) == 6
    assert copies == dict.fromkeys(copies, 1), {a: n for a, n in copies.items() if n != 1}

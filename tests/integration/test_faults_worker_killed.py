"""Fault: the worker dies (SIGKILL) halfway through sending a list, and a new one starts."""

from __future__ import annotations

import time

import pytest
from django.db.models import F

from contactlists.models import ContactList, Delivery
from contactlists.services import sweep
from members.models import LOST_TASK_GRACE

from ..seeding import seed_group
from .conftest import apply, approve, copies_per_member, wait_for

pytestmark = pytest.mark.integration

CLAIM_TIMEOUT = 3


def test_after_a_worker_dies_mid_list_every_member_gets_it_and_at_most_the_in_flight_twice(
    own_stack, alstrom, secretariat, settings
):
    settings.CONTACT_LIST_CLAIM_TIMEOUT = CLAIM_TIMEOUT
    group = seed_group(alstrom, 200)
    application = apply("Freja Christensen", alstrom)
    own_stack.wait_until_idle()
    own_stack.smtp.clear()
    recipients = 201

    approve(application, group, secretariat)
    wait_for(
        lambda: own_stack.smtp.count >= 40, timeout=60, what="the first 40 emails of version 2"
    )
    own_stack.worker.kill()
    killed_at = time.monotonic()
    sent_before_the_crash = own_stack.smtp.count
    assert sent_before_the_crash < recipients, "the list went out before the worker was killed"
    version_2 = ContactList.objects.get(group=group, version=2)
    deliveries = Delivery.objects.filter(contact_list=version_2)
    assert deliveries.exclude(status=Delivery.Status.SENT).exists()

    own_stack.start_worker()
    # Time passes as the beat sees it: the dead worker's claims expire, and the version
    # becomes old enough to count as lost even had the kill fallen between two batches,
    # with nothing claimed. One sweep then, so that no live worker's claim expires too.
    time.sleep(max(0, killed_at + CLAIM_TIMEOUT + 1 - time.monotonic()))
    ContactList.objects.filter(pk=version_2.pk).update(created_at=F("created_at") - LOST_TASK_GRACE)
    sweep()
    wait_for(
        lambda: not deliveries.exclude(status=Delivery.Status.SENT).exists(),
        timeout=90,
        what=f"every delivery of version 2 sent; see {own_stack.worker.log}",
    )
    own_stack.smtp.wait_for(recipients, timeout=10, settle=2)

    copies = copies_per_member(own_stack.smtp, group)
    assert len(copies) == recipients
    assert min(copies.values()) == 1, [a for a, n in copies.items() if n == 0]
    assert max(copies.values()) <= 2, {a: n for a, n in copies.items() if n > 2}
    twice = [address for address, n in copies.items() if n == 2]
    # Only a message the server accepted just before the kill, and not yet marked sent,
    # goes out again: one per process of the dead worker's pool.
    assert len(twice) <= own_stack.worker.concurrency, twice

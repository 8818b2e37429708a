"""Fault: the worker dies (SIGKILL) halfway through sending a list, and a new one starts."""

from __future__ import annotations

import pytest
from django.db.models import F

from contactlists.models import ContactList, Delivery
from outbox.models import OutgoingEmail
from outbox.queueing import LOST_TASK_GRACE

from ..seeding import seed_group
from .conftest import LEASE_SECONDS, apply, approve, copies_per_member, wait_for

pytestmark = pytest.mark.integration


def test_after_a_worker_dies_mid_list_every_member_gets_it_and_at_most_the_in_flight_twice(
    own_stack, alstrom, secretariat
):
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
    sent_before_the_crash = own_stack.smtp.count
    assert sent_before_the_crash < recipients, "the list went out before the worker was killed"
    version_2 = ContactList.objects.get(group=group, version=2)
    deliveries = Delivery.objects.filter(contact_list=version_2)
    assert deliveries.exclude(email__status=OutgoingEmail.Status.SENT).exists()

    own_stack.start_worker()
    # The dead worker's claims run out after its lease, and its emails count as lost once
    # older than the grace a task has to start; the beat's sweeps (here every second)
    # then take them back, and the new worker sends them.
    emails = OutgoingEmail.objects.filter(delivery__contact_list=version_2)
    emails.update(created_at=F("created_at") - LOST_TASK_GRACE)
    own_stack.sweep_until(
        lambda: not deliveries.exclude(email__status=OutgoingEmail.Status.SENT).exists(),
        timeout=LEASE_SECONDS + 90,
        what="every delivery of version 2 sent",
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
    # And staff can see each of them: the email says it may have gone out twice.
    flagged = OutgoingEmail.objects.sent_more_than_once().filter(delivery__contact_list=version_2)
    assert set(twice) <= set(flagged.values_list("recipient", flat=True))

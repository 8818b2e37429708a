"""Fault: the SMTP server is down while a group's new list goes out, and comes back."""

from __future__ import annotations

import pytest
from django.utils import timezone

from contactlists.models import ContactList, Delivery
from outbox.models import OutgoingEmail

from ..seeding import seed_group
from .conftest import apply, approve, copies_per_member, wait_for

pytestmark = pytest.mark.integration


def test_a_list_sent_while_the_smtp_server_is_down_reaches_every_member_once_it_is_back(
    own_stack, alstrom, secretariat
):
    group = seed_group(alstrom, 50)
    application = apply("Freja Christensen", alstrom)
    own_stack.wait_until_idle()
    own_stack.smtp.clear()

    own_stack.smtp.stop()
    approve(application, group, secretariat)

    # Every delivery is tried, fails, and waits for a retry with the error on show.
    version_2 = wait_for(
        lambda: ContactList.objects.filter(group=group, version=2).first(),
        timeout=30,
        what="version 2 built",
    )
    deliveries = Delivery.objects.filter(contact_list=version_2)
    wait_for(
        lambda: (
            deliveries.filter(email__status=OutgoingEmail.Status.QUEUED, email__attempts=1)
            .exclude(email__last_error="")
            .count()
            == 51
        ),
        timeout=60,
        what="all 51 deliveries tried once and waiting for a retry",
    )
    assert not deliveries.filter(email__retry_after=None).exists()
    assert own_stack.smtp.count == 0

    own_stack.smtp.restart()
    # The retries fall due (instead of in 30 s), and the beat's next sweep sends them.
    OutgoingEmail.objects.filter(delivery__in=deliveries).update(retry_after=timezone.now())
    own_stack.sweep_until(
        lambda: not deliveries.exclude(email__status=OutgoingEmail.Status.SENT).exists(),
        timeout=60,
        what="every delivery of version 2 sent",
    )
    own_stack.smtp.wait_for(51, timeout=10)

    copies = copies_per_member(own_stack.smtp, group)
    assert len(copies) == 51
    assert copies == dict.fromkeys(copies, 1), {a: n for a, n in copies.items() if n != 1}
    assert all("Freja Christensen" in received.text() for received in own_stack.smtp.received)
    assert deliveries.filter(email__attempts=2).count() == 51

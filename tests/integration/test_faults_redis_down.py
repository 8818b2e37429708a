"""Fault: Redis is down at the moment an approval commits, and comes back (empty)."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from contactlists.models import ContactList, Delivery, GroupChange
from members.models import Application, ApplicationEvent, Membership
from outbox.models import OutgoingEmail
from outbox.queueing import LOST_TASK_GRACE

from ..seeding import seed_group
from .conftest import apply, approve, copies_per_member

pytestmark = pytest.mark.integration


def test_an_approval_while_redis_is_down_succeeds_and_the_sweep_sends_the_list_once(
    own_stack, alstrom, secretariat
):
    group = seed_group(alstrom, 20)
    application = apply("Freja Christensen", alstrom)
    own_stack.wait_until_idle()
    own_stack.smtp.clear()

    own_stack.redis.stop()
    started = time.monotonic()
    freja = approve(application, group, secretariat)
    # The publish fails fast and is left to the sweep; the secretariat sees no error.
    assert time.monotonic() - started < 10
    assert Application.objects.get(pk=application.pk).status == Application.Status.APPROVED
    assert Membership.objects.active().filter(person=freja, group=group).exists()
    [change] = GroupChange.objects.pending().filter(group=group)
    assert change.person_id == freja.pk
    assert not ContactList.objects.filter(group=group, version=2).exists()

    own_stack.redis.start()
    # The change has waited out the coalescing window and the grace for a lost task,
    # and so has the approval email, whose task was lost too.
    GroupChange.objects.filter(pk=change.pk).update(
        created_at=timezone.now()
        - timedelta(seconds=settings.CONTACT_LIST_COALESCE_SECONDS)
        - LOST_TASK_GRACE
        - timedelta(seconds=1)
    )
    approval = ApplicationEvent.objects.get(
        application=application, action=ApplicationEvent.Action.APPROVED
    )
    OutgoingEmail.objects.filter(pk=approval.email_id).update(
        created_at=timezone.now() - LOST_TASK_GRACE - timedelta(seconds=1)
    )
    version_2 = own_stack.sweep_until(
        lambda: ContactList.objects.filter(group=group, version=2).first(),
        timeout=60,
        what="version 2 built after Redis came back",
    )
    own_stack.wait_until_idle(timeout=60)
    own_stack.smtp.wait_for(22, timeout=10)

    copies = copies_per_member(own_stack.smtp, group)
    assert len(copies) == 21
    assert copies == dict.fromkeys(copies, 1), {a: n for a, n in copies.items() if n != 1}
    assert ContactList.objects.filter(group=group).count() == 2
    assert freja.pk in {entry["person_id"] for entry in version_2.entries}
    deliveries = Delivery.objects.filter(contact_list=version_2)
    assert set(deliveries.values_list("email__status", flat=True)) == {OutgoingEmail.Status.SENT}
    assert deliveries.get(person=freja).is_welcome
    change.refresh_from_db()
    assert change.contact_list == version_2
    approval.refresh_from_db()
    assert approval.email.status == OutgoingEmail.Status.SENT
    to_freja = own_stack.smtp.to(freja.email)
    assert [m.subject for m in to_freja if not m.carries_list] == [approval.email.subject]

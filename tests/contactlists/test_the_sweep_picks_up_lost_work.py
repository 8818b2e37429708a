"""The sweep, run every minute, finishes what a lost task or a dead worker left behind: a
change never built, a delivery claimed by a worker that died, a retry that came due. It
leaves alone what is still on its way."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.utils import timezone

from contactlists.models import Delivery, GroupChange
from contactlists.services import sweep as sweep_contact_lists
from contactlists.tasks import build_contact_list_task
from outbox.models import OutgoingEmail
from outbox.queueing import LOST_TASK_GRACE
from outbox.services import sweep as sweep_outbox

from .conftest import group_of, join, latest_list, list_emails


def sweep() -> None:
    """What the beat runs every minute: both sweeps."""
    sweep_contact_lists()
    sweep_outbox()


def age(queryset, field: str, by: timedelta) -> None:
    queryset.update(**{field: timezone.now() - by})


def test_a_change_whose_task_was_lost_is_built_and_sent_by_the_sweep(
    alstrom, kabuki, secretariat, settings, after_commit, mailoutbox
):
    settings.CONTACT_LIST_COALESCE_SECONDS = 180
    window = timedelta(seconds=180)
    # Both joins were committed, but the tasks they started never ran.
    mette = join("Mette Holm", alstrom, secretariat)
    jonas = join("Jonas Berg", alstrom, secretariat)
    aud = join("Aud Hansen", kabuki, secretariat)
    age(GroupChange.objects.filter(group=group_of(mette)), "created_at", window + LOST_TASK_GRACE)
    # Aud's change is still inside the coalescing window: its own task may yet come.
    age(GroupChange.objects.filter(group=group_of(aud)), "created_at", window)

    with after_commit():
        sweep()
    with after_commit():
        sweep()

    contact_list = latest_list(group_of(mette))
    assert contact_list.version == 1
    assert {entry["full_name"] for entry in contact_list.entries} == {"Mette Holm", "Jonas Berg"}
    assert len(list_emails(mailoutbox, to=mette.email)) == 1
    assert len(list_emails(mailoutbox, to=jonas.email)) == 1
    assert not GroupChange.objects.filter(group=group_of(mette)).pending().exists()

    assert latest_list(group_of(aud)) is None
    assert list_emails(mailoutbox, to=aud.email) == []


def test_a_delivery_left_by_a_dead_worker_is_queued_again_and_sent_once(
    alstrom, secretariat, settings, after_commit, mailoutbox
):
    lease = timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    people = [
        join(name, alstrom, secretariat) for name in ("Mette Holm", "Jonas Berg", "Ingrid Lund")
    ]
    group = group_of(people[0])
    build_contact_list_task.apply(args=[group.pk])
    contact_list = latest_list(group)
    dead, alive, waiting = (contact_list.deliveries.get(person=person).email for person in people)
    # One worker claimed Mette's copy and died; another is sending Jonas's copy right now.
    for email, claimed in [(dead, timezone.now() - lease * 2), (alive, timezone.now())]:
        OutgoingEmail.objects.filter(pk=email.pk).update(
            status=OutgoingEmail.Status.SENDING,
            attempts=1,
            claim=uuid.uuid4(),
            claimed_at=claimed,
            lease_until=claimed + lease,
        )

    with after_commit():
        sweep()
    with after_commit():
        sweep()

    dead.refresh_from_db()
    alive.refresh_from_db()
    waiting.refresh_from_db()
    assert dead.status == OutgoingEmail.Status.SENT
    assert dead.attempts == 2
    # Staff see that Mette may have two copies.
    assert dead.interrupted == 1 and "two copies" in dead.note
    assert dead in OutgoingEmail.objects.sent_more_than_once()
    assert len(list_emails(mailoutbox, to=people[0].email)) == 1
    # What the dead worker had not yet claimed goes out with it.
    assert waiting.status == OutgoingEmail.Status.SENT
    assert len(list_emails(mailoutbox, to=people[2].email)) == 1
    # A lease still running belongs to a worker still at it.
    assert alive.status == OutgoingEmail.Status.SENDING
    assert list_emails(mailoutbox, to=people[1].email) == []


def test_a_retry_that_came_due_is_sent_by_the_sweep(
    alstrom, secretariat, settings, send_lists, after_commit, mailoutbox
):
    mette = join("Mette Holm", alstrom, secretariat)
    settings.EMAIL_BACKEND = "tests.contactlists.failing_backend.DisconnectingBackend"
    send_lists()
    delivery = Delivery.objects.get(person=mette).email
    assert delivery.status == OutgoingEmail.Status.QUEUED
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    with after_commit():
        sweep()
    assert list_emails(mailoutbox) == []  # not due yet

    age(OutgoingEmail.objects.filter(pk=delivery.pk), "retry_after", timedelta(seconds=1))
    with after_commit():
        sweep()

    delivery.refresh_from_db()
    assert delivery.status == OutgoingEmail.Status.SENT
    assert delivery.attempts == 2
    assert len(list_emails(mailoutbox, to=mette.email)) == 1

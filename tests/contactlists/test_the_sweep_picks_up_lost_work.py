"""The sweep, run every minute, finishes what a lost task or a dead worker left behind: a
change never built, a delivery claimed by a worker that died, a retry that came due. It
leaves alone what is still on its way."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from contactlists.models import Delivery, GroupChange
from contactlists.services import sweep
from contactlists.tasks import build_contact_list_task
from members.models import LOST_TASK_GRACE

from .conftest import group_of, join, latest_list, list_emails


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
    settings.CONTACT_LIST_CLAIM_TIMEOUT = 600
    timeout = timedelta(seconds=600)
    people = [
        join(name, alstrom, secretariat) for name in ("Mette Holm", "Jonas Berg", "Ingrid Lund")
    ]
    group = group_of(people[0])
    build_contact_list_task.apply(args=[group.pk])
    contact_list = latest_list(group)
    dead, alive, waiting = (contact_list.deliveries.get(person=person) for person in people)
    # One worker claimed Mette's copy and died; another is sending Jonas's copy right now.
    Delivery.objects.filter(pk=dead.pk).update(
        status=Delivery.Status.SENDING, attempts=1, claimed_at=timezone.now() - timeout * 2
    )
    Delivery.objects.filter(pk=alive.pk).update(
        status=Delivery.Status.SENDING, attempts=1, claimed_at=timezone.now() - timeout / 2
    )

    with after_commit():
        sweep()
    with after_commit():
        sweep()

    dead.refresh_from_db()
    alive.refresh_from_db()
    waiting.refresh_from_db()
    assert dead.status == Delivery.Status.SENT
    assert dead.attempts == 2
    assert len(list_emails(mailoutbox, to=people[0].email)) == 1
    # What the dead worker had not yet claimed goes out with it.
    assert waiting.status == Delivery.Status.SENT
    assert len(list_emails(mailoutbox, to=people[2].email)) == 1
    # A claim younger than the timeout belongs to a worker still at it.
    assert alive.status == Delivery.Status.SENDING
    assert list_emails(mailoutbox, to=people[1].email) == []


def test_a_retry_that_came_due_is_sent_by_the_sweep(
    alstrom, secretariat, settings, send_lists, after_commit, mailoutbox
):
    mette = join("Mette Holm", alstrom, secretariat)
    settings.EMAIL_BACKEND = "tests.contactlists.failing_backend.DisconnectingBackend"
    send_lists()
    delivery = Delivery.objects.get(person=mette)
    assert delivery.status == Delivery.Status.QUEUED
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    with after_commit():
        sweep()
    assert list_emails(mailoutbox) == []  # not due yet

    age(Delivery.objects.filter(pk=delivery.pk), "next_attempt_at", timedelta(seconds=1))
    with after_commit():
        sweep()

    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.SENT
    assert delivery.attempts == 2
    assert len(list_emails(mailoutbox, to=mette.email)) == 1

"""A list that cannot be sent now is tried again later, with the error kept; after the last
attempt, or at once when the server refuses the address for good, it is marked failed, and
staff see it in admin and can send it again."""

from __future__ import annotations

import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse
from django.utils import timezone

from contactlists.models import Delivery
from contactlists.tasks import send_contact_list_task

from .conftest import join, list_emails

DISCONNECTING = "tests.contactlists.failing_backend.DisconnectingBackend"
REFUSING = "tests.contactlists.failing_backend.RefusingBackend"
WORKING = "django.core.mail.backends.locmem.EmailBackend"
DELIVERIES = "admin:contactlists_delivery_changelist"


@pytest.fixture
def mette(alstrom, secretariat):
    """A new member whose welcome list is waiting to be sent."""
    return join("Mette Holm", alstrom, secretariat)


def try_again(delivery: Delivery) -> None:
    """Let the time of the next attempt come, and run the sender."""
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    send_contact_list_task.apply(args=[delivery.contact_list_id])
    delivery.refresh_from_db()


def row_of(response, name: str) -> str:
    rows = re.findall(r"<tr.*?</tr>", response.content.decode(), re.DOTALL)
    [row] = [row for row in rows if name in row]
    return row


def test_a_delivery_that_fails_for_now_is_queued_again_for_later(
    mette, settings, send_lists, mailoutbox
):
    settings.EMAIL_BACKEND = DISCONNECTING

    send_lists()

    delivery = Delivery.objects.get(person=mette)
    assert delivery.status == Delivery.Status.QUEUED
    assert delivery.attempts == 1
    assert "SMTPServerDisconnected" in delivery.last_error
    assert delivery.next_attempt_at > timezone.now()
    assert delivery.sent_at is None
    assert mailoutbox == []


def test_a_delivery_still_failing_after_the_last_attempt_is_marked_failed(
    mette, settings, send_lists
):
    settings.EMAIL_BACKEND = DISCONNECTING
    settings.CONTACT_LIST_MAX_ATTEMPTS = 3
    send_lists()
    delivery = Delivery.objects.get(person=mette)

    try_again(delivery)
    assert (delivery.status, delivery.attempts) == (Delivery.Status.QUEUED, 2)
    try_again(delivery)

    assert (delivery.status, delivery.attempts) == (Delivery.Status.FAILED, 3)
    assert "SMTPServerDisconnected" in delivery.last_error
    try_again(delivery)
    assert (delivery.status, delivery.attempts) == (Delivery.Status.FAILED, 3)


def test_an_address_the_server_refuses_for_good_is_marked_failed_at_once(
    mette, settings, send_lists, mailoutbox
):
    settings.EMAIL_BACKEND = REFUSING

    send_lists()

    delivery = Delivery.objects.get(person=mette)
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.attempts == 1
    assert "SMTPRecipientsRefused" in delivery.last_error and "550" in delivery.last_error
    assert mailoutbox == []


def test_staff_see_a_failed_delivery_in_admin_and_can_send_it_again(
    mette, alstrom, secretariat, settings, send_lists, client, after_commit, mailoutbox
):
    jonas = join("Jonas Berg", alstrom, secretariat)
    settings.EMAIL_BACKEND = REFUSING
    send_lists()
    failed = Delivery.objects.get(person=mette)
    client.force_login(secretariat)

    listed = client.get(reverse(DELIVERIES))

    assert listed.status_code == 200
    row = row_of(listed, "Mette Holm")
    assert re.search(r'class="field-status">failed<', row)
    assert "SMTPRecipientsRefused" in row
    assert re.search(r'class="field-status">failed<', row_of(listed, "Jonas Berg"))

    settings.EMAIL_BACKEND = WORKING
    with after_commit():
        response = client.post(
            reverse(DELIVERIES),
            {"action": "resend", ACTION_CHECKBOX_NAME: [failed.pk]},
            follow=True,
        )

    assert "1 delivery queued again." in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == Delivery.Status.SENT
    assert failed.last_error == ""
    assert len(list_emails(mailoutbox, to=mette.email)) == 1
    # Only what staff chose is sent again.
    assert list_emails(mailoutbox, to=jonas.email) == []
    assert Delivery.objects.get(person=jonas).status == Delivery.Status.FAILED


def test_resending_puts_a_failed_delivery_back_in_the_queue(
    mette, secretariat, settings, send_lists, client, mailoutbox
):
    settings.EMAIL_BACKEND = REFUSING
    send_lists()
    failed = Delivery.objects.get(person=mette)
    client.force_login(secretariat)

    # The commit has not yet started the sender: the delivery waits in the queue.
    client.post(reverse(DELIVERIES), {"action": "resend", ACTION_CHECKBOX_NAME: [failed.pk]})

    failed.refresh_from_db()
    assert failed.status == Delivery.Status.QUEUED
    assert failed.attempts == 0
    assert failed.next_attempt_at is None
    assert mailoutbox == []

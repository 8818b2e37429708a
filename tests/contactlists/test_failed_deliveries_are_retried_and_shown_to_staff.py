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
from outbox.models import OutgoingEmail
from outbox.tasks import send_batch_task

from .conftest import join, list_emails

DISCONNECTING = "tests.contactlists.failing_backend.DisconnectingBackend"
REFUSING = "tests.contactlists.failing_backend.RefusingBackend"
WORKING = "django.core.mail.backends.locmem.EmailBackend"
OUTGOING = "admin:outbox_outgoingemail_changelist"


@pytest.fixture
def mette(alstrom, secretariat):
    """A new member whose welcome list is waiting to be sent."""
    return join("Mette Holm", alstrom, secretariat)


def email_to(person) -> OutgoingEmail:
    """The person's contact list email in the outbox."""
    return Delivery.objects.select_related("email").get(person=person).email


def try_again(email: OutgoingEmail) -> None:
    """Let the time of the next attempt come, and run the sender."""
    OutgoingEmail.objects.filter(pk=email.pk).update(retry_after=timezone.now())
    send_batch_task.apply(args=[email.batch])
    email.refresh_from_db()


def row_of(response, name: str) -> str:
    rows = re.findall(r"<tr.*?</tr>", response.content.decode(), re.DOTALL)
    [row] = [row for row in rows if name in row]
    return row


def test_a_delivery_that_fails_for_now_is_queued_again_for_later(
    mette, settings, send_lists, mailoutbox
):
    settings.EMAIL_BACKEND = DISCONNECTING

    send_lists()

    email = email_to(mette)
    assert email.status == OutgoingEmail.Status.QUEUED
    assert email.attempts == 1
    assert "SMTPServerDisconnected" in email.last_error
    assert email.retry_after > timezone.now()
    assert email.sent_at is None
    assert mailoutbox == []


def test_a_delivery_still_failing_after_the_last_attempt_is_marked_failed(
    mette, settings, send_lists
):
    settings.EMAIL_BACKEND = DISCONNECTING
    settings.OUTBOX_MAX_ATTEMPTS = 3
    send_lists()
    email = email_to(mette)

    try_again(email)
    assert (email.status, email.attempts) == (OutgoingEmail.Status.QUEUED, 2)
    try_again(email)

    assert (email.status, email.attempts) == (OutgoingEmail.Status.FAILED, 3)
    assert "SMTPServerDisconnected" in email.last_error
    try_again(email)
    assert (email.status, email.attempts) == (OutgoingEmail.Status.FAILED, 3)


def test_an_address_the_server_refuses_for_good_is_marked_failed_at_once(
    mette, settings, send_lists, mailoutbox
):
    settings.EMAIL_BACKEND = REFUSING

    send_lists()

    email = email_to(mette)
    assert email.status == OutgoingEmail.Status.FAILED
    assert email.attempts == 1
    assert "SMTPRecipientsRefused" in email.last_error and "550" in email.last_error
    assert mailoutbox == []


def test_staff_see_a_failed_delivery_in_admin_and_can_send_it_again(
    mette, alstrom, secretariat, settings, send_lists, client, after_commit, mailoutbox
):
    jonas = join("Jonas Berg", alstrom, secretariat)
    settings.EMAIL_BACKEND = REFUSING
    send_lists()
    failed = email_to(mette)
    client.force_login(secretariat)

    listed = client.get(reverse(OUTGOING))

    assert listed.status_code == 200
    # The failed ones come first, before the applicants' emails, queued earlier.
    statuses = re.findall(r'class="field-status">(\w+)<', listed.content.decode())
    assert statuses[:2] == ["failed", "failed"]
    assert statuses[2:] and "failed" not in statuses[2:]
    lists = client.get(reverse(OUTGOING), {"kind": "contact_list"})
    row = row_of(lists, mette.email)
    assert re.search(r'class="field-status">failed<', row)
    assert "SMTPRecipientsRefused" in row
    assert re.search(r'class="field-status">failed<', row_of(lists, jonas.email))

    settings.EMAIL_BACKEND = WORKING
    with after_commit():
        response = client.post(
            reverse(OUTGOING),
            {"action": "resend", ACTION_CHECKBOX_NAME: [failed.pk]},
            follow=True,
        )

    assert "1 email queued again." in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == OutgoingEmail.Status.SENT
    assert failed.last_error == ""
    assert len(list_emails(mailoutbox, to=mette.email)) == 1
    # Only what staff chose is sent again.
    assert list_emails(mailoutbox, to=jonas.email) == []
    assert email_to(jonas).status == OutgoingEmail.Status.FAILED


def test_resending_puts_a_failed_delivery_back_in_the_queue(
    mette, secretariat, settings, send_lists, client, mailoutbox
):
    settings.EMAIL_BACKEND = REFUSING
    send_lists()
    failed = email_to(mette)
    client.force_login(secretariat)

    # The commit has not yet started the sender: the delivery waits in the queue.
    client.post(reverse(OUTGOING), {"action": "resend", ACTION_CHECKBOX_NAME: [failed.pk]})

    failed.refresh_from_db()
    assert failed.status == OutgoingEmail.Status.QUEUED
    assert failed.attempts == 0
    assert failed.retry_after is None
    assert mailoutbox == []

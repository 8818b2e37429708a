"""The one outbox: an email is sent once; a temporary failure is tried again later with
backoff, a permanent refusal or the last attempt fails it for staff to see; a sender that
lost its lease never marks the email as its own, and a second send is recorded."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.core.mail import get_connection
from django.utils import timezone

from outbox import services
from outbox.emails import RenderedEmail
from outbox.models import OutgoingEmail
from outbox.tasks import send_batch_task

DISCONNECTING = "tests.contactlists.failing_backend.DisconnectingBackend"
REFUSING = "tests.contactlists.failing_backend.RefusingBackend"


@pytest.fixture
def queued(db, django_capture_on_commit_callbacks):
    """An email to an applicant, queued; its sender not yet run."""
    with django_capture_on_commit_callbacks() as started:
        email = services.queue_email(
            RenderedEmail("Your application", "Dear Freja,", "<p>Dear Freja,</p>"),
            "freja@example.org",
            kind="applicant",
            about="Application 1: submitted",
        )
    assert len(started) == 1
    return email


def send(email: OutgoingEmail) -> OutgoingEmail:
    send_batch_task.apply(args=[email.batch])
    email.refresh_from_db()
    return email


def test_a_queued_email_is_sent_once_however_often_its_sender_runs(queued, mailoutbox):
    send(queued)
    send(queued)

    [message] = mailoutbox
    assert (message.to, message.subject, message.body) == (
        ["freja@example.org"],
        "Your application",
        "Dear Freja,",
    )
    assert message.alternatives[0][0] == "<p>Dear Freja,</p>"
    assert (queued.status, queued.attempts, queued.sends) == ("sent", 1, 1)
    assert queued.lease_until is None and queued.sent_at is not None


def test_a_temporary_failure_is_tried_again_later_each_time_after_longer(queued, settings):
    settings.EMAIL_BACKEND = DISCONNECTING
    settings.OUTBOX_FIRST_RETRY_SECONDS = 30

    send(queued)
    first_wait = queued.retry_after - timezone.now()
    OutgoingEmail.objects.filter(pk=queued.pk).update(retry_after=timezone.now())
    send(queued)
    second_wait = queued.retry_after - timezone.now()

    assert (queued.status, queued.attempts) == ("queued", 2)
    assert "SMTPServerDisconnected" in queued.last_error
    assert timedelta(seconds=25) < first_wait <= timedelta(seconds=30)
    assert timedelta(seconds=55) < second_wait <= timedelta(seconds=60)


def test_an_email_not_yet_due_is_not_sent(queued, settings, mailoutbox):
    settings.EMAIL_BACKEND = DISCONNECTING
    send(queued)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    send(queued)

    assert mailoutbox == []
    assert (queued.status, queued.attempts) == ("queued", 1)


def test_the_last_attempt_fails_the_email(queued, settings):
    settings.EMAIL_BACKEND = DISCONNECTING
    settings.OUTBOX_MAX_ATTEMPTS = 2
    send(queued)
    OutgoingEmail.objects.filter(pk=queued.pk).update(retry_after=timezone.now())

    send(queued)

    assert (queued.status, queued.attempts) == ("failed", 2)
    assert services.trouble().failed == 1


def test_a_mailbox_refused_for_good_fails_at_once(queued, settings):
    settings.EMAIL_BACKEND = REFUSING

    send(queued)

    assert (queued.status, queued.attempts) == ("failed", 1)
    assert "550" in queued.last_error


def claim(email: OutgoingEmail, *, lease: timedelta) -> OutgoingEmail:
    """Claim the email as a sender would, with a lease of `lease` from now."""
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status="sending",
        claim=uuid.uuid4(),
        claimed_at=timezone.now(),
        lease_until=timezone.now() + lease,
        attempts=1,
    )
    email.refresh_from_db()
    return email


def test_a_sender_whose_lease_ran_out_records_its_send_and_staff_see_two_copies(queued, mailoutbox):
    stale = claim(queued, lease=timedelta(seconds=-1))
    # The sweep takes the email back from the silent sender, and another sender sends it.
    services.sweep()
    assert len(mailoutbox) == 1

    # The silent sender comes back: the server had accepted its copy too.
    services._mark_sent(stale)

    email = OutgoingEmail.objects.get(pk=queued.pk)
    assert (email.status, email.sends, email.interrupted) == ("sent", 2, 1)
    assert "two copies" in email.note
    assert email in OutgoingEmail.objects.sent_more_than_once()
    assert services.trouble().sent_more_than_once == 1


def test_a_sender_whose_lease_ran_out_before_anyone_else_sent_it_marks_it_sent(queued):
    stale = claim(queued, lease=timedelta(minutes=10))
    # Taken back (the sender seemed dead) but not yet sent again by anyone.
    OutgoingEmail.objects.filter(pk=queued.pk).update(status="queued", lease_until=None)

    services._mark_sent(stale)

    email = OutgoingEmail.objects.get(pk=queued.pk)
    assert (email.status, email.sends) == ("sent", 1)
    assert "lease had run out" in email.note


def test_a_send_recorded_before_the_database_went_away_is_not_recorded_twice(queued):
    sending = claim(queued, lease=timedelta(minutes=10))

    services._mark_sent(sending)
    services._mark_sent(sending)  # the first write went through; its answer was lost

    email = OutgoingEmail.objects.get(pk=queued.pk)
    assert (email.status, email.sends, email.note) == ("sent", 1, "")


def test_a_sender_that_finds_its_lease_nearly_over_leaves_the_email_to_another(queued, mailoutbox):
    sending = claim(queued, lease=timedelta(seconds=5))

    services._send_one(sending, services.composers.composer_for("applicant"), get_connection())

    email = OutgoingEmail.objects.get(pk=queued.pk)
    assert mailoutbox == []
    assert (email.status, email.retry_after, email.lease_until) == ("queued", None, None)


def test_staff_can_send_a_failed_email_again(queued, settings, secretariat, mailoutbox):
    settings.EMAIL_BACKEND = REFUSING
    send(queued)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    services.resend(queued, by=secretariat)
    send(queued)

    assert len(mailoutbox) == 1
    assert (queued.status, queued.attempts) == ("sent", 1)
    assert "sara" in queued.note


def test_an_email_on_its_way_cannot_be_resent(queued, secretariat):
    with pytest.raises(services.ResendRefused):
        services.resend(queued, by=secretariat)

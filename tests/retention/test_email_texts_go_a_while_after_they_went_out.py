"""What an email said goes a while after its last attempt, whether it was sent or failed;
the row stays, with its recipient, for as long as what it belongs to. An email whose text
is gone cannot be sent again."""

from __future__ import annotations

import pytest

from network import retention
from outbox import services as outbox
from outbox.models import OutgoingEmail

from .conftest import days_ago, sent_at, submitted


def confirmation_email(application) -> OutgoingEmail:
    return application.events.get().email


def test_a_failed_email_loses_its_text_the_period_after_its_last_attempt(alstrom, secretariat, now):
    failed = confirmation_email(submitted("Freja Failed", alstrom))
    recent = confirmation_email(submitted("Freja Recent", alstrom))
    for email, older in [(failed, True), (recent, False)]:
        OutgoingEmail.objects.filter(pk=email.pk).update(
            status=OutgoingEmail.Status.FAILED,
            created_at=days_ago(now, 1000, older=True),
            claimed_at=days_ago(now, 30, older=older),
        )

    retention.carry_out(retention.plan(now))

    failed.refresh_from_db()
    recent.refresh_from_db()
    assert (failed.subject, failed.text, failed.html) == ("", "", "")
    assert failed.recipient == "freja.failed@example.org"
    assert failed.status == OutgoingEmail.Status.FAILED
    assert recent.subject and recent.text and recent.html
    with pytest.raises(outbox.ResendRefused, match="has been deleted"):
        outbox.resend(failed, by=secretariat)
    outbox.resend(recent, by=secretariat)


def test_an_email_not_yet_sent_keeps_its_text_however_old(alstrom, now):
    queued = confirmation_email(submitted("Quinn Queued", alstrom))
    OutgoingEmail.objects.filter(pk=queued.pk).update(created_at=days_ago(now, 1000, older=True))
    sent = confirmation_email(submitted("Sam Sent", alstrom))
    sent_at(sent, days_ago(now, 30, older=True))

    assert set(retention.plan(now).outbox.texts) == {sent.pk}

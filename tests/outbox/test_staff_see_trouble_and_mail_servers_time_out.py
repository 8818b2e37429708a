"""Staff see on the admin index what of the outgoing email needs a look, and every SMTP
connection has a timeout, set as the README says."""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.core.mail import get_connection
from django.urls import reverse
from django.utils import timezone

from outbox import services
from outbox.models import OutgoingEmail
from settings.base import email_settings


def test_a_timeout_on_the_email_url_reaches_the_smtp_connection(settings):
    config = email_settings("smtp+tls://user:secret@mail.example.org:587?timeout=7")
    for name, value in config.items():
        setattr(settings, name, value)

    connection = get_connection()

    assert config["EMAIL_TIMEOUT"] == 7 and "OPTIONS" not in config
    assert (connection.host, connection.port, connection.timeout) == ("mail.example.org", 587, 7)


def test_without_a_timeout_on_the_url_the_default_of_30_seconds_holds():
    assert "EMAIL_TIMEOUT" not in email_settings("smtp://mail.example.org:25")
    from settings import base

    assert base.EMAIL_TIMEOUT == 30


def email(status: str, **fields) -> OutgoingEmail:
    return OutgoingEmail.objects.create(
        kind="applicant",
        batch=uuid.uuid4().hex,
        recipient=f"{uuid.uuid4().hex[:8]}@example.org",
        status=status,
        **fields,
    )


def test_the_admin_index_counts_stuck_failed_and_doubled_emails(client, secretariat):
    long_ago = timezone.now() - services.send_allowance() - timedelta(minutes=3)
    email("sending", claimed_at=long_ago, lease_until=timezone.now() + timedelta(minutes=5))
    email("sending", claimed_at=timezone.now(), lease_until=timezone.now() + timedelta(minutes=9))
    email("failed", last_error="SMTPRecipientsRefused: 550")
    email("failed", last_error="SMTPRecipientsRefused: 550")
    email("sent", sends=2)
    client.force_login(secretariat)

    page = client.get(reverse("admin:index")).content.decode()

    assert "1 email sending for longer than expected" in page
    assert "2 emails failed" in page
    assert "1 email may have been sent twice" in page
    outgoing = reverse("admin:outbox_outgoingemail_changelist")
    stuck = client.get(outgoing, {"trouble": "sending_too_long"}).content.decode()
    assert stuck.count('class="field-status"') == 1 and "min" in stuck


def test_all_is_well_is_said_plainly(client, secretariat):
    email("sent", sends=1)
    client.force_login(secretariat)

    page = client.get(reverse("admin:index")).content.decode()

    assert "Nothing sending for longer than expected." in page
    assert "No failed email." in page


def test_the_consultant_sees_no_outgoing_email(client, consultant):
    email("failed")
    client.force_login(consultant)

    page = client.get(reverse("admin:index")).content.decode()

    assert "outbox-trouble" not in page
    assert client.get(reverse("admin:outbox_outgoingemail_changelist")).status_code == 403

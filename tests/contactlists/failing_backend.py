"""Email backends that fail the way SMTP servers do, for EMAIL_BACKEND in tests."""

from __future__ import annotations

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class DisconnectingBackend(BaseEmailBackend):
    """The server hangs up: a temporary failure, worth trying again later."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class RefusingBackend(BaseEmailBackend):
    """The server refuses every recipient for good: the mailbox does not exist."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPRecipientsRefused(
            {
                address: (550, b"5.1.1 <%s>: Recipient address rejected" % address.encode())
                for message in email_messages
                for address in message.recipients()
            }
        )

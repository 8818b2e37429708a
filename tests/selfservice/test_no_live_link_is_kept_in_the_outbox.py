"""A sign-in link is written into the email as it is sent and kept nowhere: staff reading
the outbox see that a link went out, never one they could use."""

from __future__ import annotations

from outbox.models import OutgoingEmail
from selfservice.services import SIGN_IN_EMAIL


def test_the_sign_in_email_in_the_outbox_holds_no_link(group_a, ask_for_link):
    mette, _jonas = group_a

    link = ask_for_link(mette)

    [email] = OutgoingEmail.objects.filter(kind=SIGN_IN_EMAIL)
    assert (email.status, email.recipient) == ("sent", mette.email)
    assert link not in email.text + email.html and email.text == email.html == ""

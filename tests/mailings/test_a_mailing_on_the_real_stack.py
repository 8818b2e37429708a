"""On the real stack: 300 consenting members in five languages and 100 who did not
consent; the worker is SIGKILLed mid-send; one member unsubscribes with one click."""

from __future__ import annotations

import time
from urllib.parse import urlparse

import pytest
from django.test import Client

from mailings import services
from mailings.models import Mailing, MailingRecipient
from members.consents import ConsentKind
from members.models import Consent
from outbox.models import OutgoingEmail
from outbox.services import sweep as sweep_outbox

from .people import people

pytestmark = pytest.mark.integration

MAILINGS = ConsentKind.MAILINGS
SUBJECTS = {
    "da": "Nyhedsbrev",
    "en": "Newsletter",
    "sv": "Nyhetsbrev",
    "nb": "Nyhetsbrev NO",
    "fi": "Uutiskirje",
}


def test_a_mailing_reaches_exactly_the_consenting_members_and_survives_a_killed_worker(
    signing_stack, secretariat
):
    consenting = people(300, consents={MAILINGS: True}, languages=list(SUBJECTS), prefix="Yes")
    people(100, consents={MAILINGS: False}, languages=list(SUBJECTS), prefix="No")
    mailing = Mailing.objects.create(
        texts={
            code: {"subject": subject, "body": f"{subject}: body"}
            for code, subject in SUBJECTS.items()
        }
    )
    assert services.send_mailing(mailing, by=secretariat) == 300

    # Kill the worker while it is sending, then let a new one and the sweeps finish.
    deadline = time.monotonic() + 60
    while signing_stack.smtp.count < 30 and time.monotonic() < deadline:
        time.sleep(0.02)
    signing_stack.worker.kill()
    signing_stack.start_worker()
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        services.sweep()
        sweep_outbox()
        unfinished = MailingRecipient.objects.filter(mailing=mailing).exclude(
            email__status=OutgoingEmail.Status.SENT
        )
        if not unfinished.exists():
            break
        time.sleep(1)
    else:
        raise AssertionError(f"not all sent; see {signing_stack.worker.log}")
    signing_stack.smtp.wait_for(300, settle=0.5)

    received = {}
    for message in signing_stack.smtp.received:
        for address in message.recipients:
            received.setdefault(address, []).append(message)
    # Exactly the 300; a copy twice only for an email that was in flight at the kill.
    assert set(received) == {p.email for p in consenting}
    in_flight = set(OutgoingEmail.objects.sent_more_than_once().values_list("recipient", flat=True))
    assert all(len(copies) == 1 for address, copies in received.items() if address not in in_flight)
    for member in consenting:
        copy = received[member.email][0]
        assert copy.subject == SUBJECTS[member.language]
        assert f"{SUBJECTS[member.language]}: body" in copy.text()
        assert copy.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"

    # One member unsubscribes with their mail program's button.
    leaving = consenting[7]
    header = received[leaving.email][0].message["List-Unsubscribe"]
    # A long header is folded onto several lines.
    url = "".join(str(header).split()).strip("<>")
    response = Client().post(
        urlparse(url).path,
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    latest = Consent.objects.filter(person=leaving, kind=MAILINGS).latest("recorded_at", "pk")
    assert latest.given is False

    following = Mailing.objects.create(texts={"en": {"subject": "Again", "body": "Again."}})
    assert services.send_mailing(following, by=secretariat) == 299
    assert not MailingRecipient.objects.filter(mailing=following, person=leaving).exists()

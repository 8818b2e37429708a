"""A contact list version goes once a newer one replaced it long enough ago, with its
deliveries and their emails; one whose emails are still going out waits."""

from __future__ import annotations

from contactlists.models import ContactList, Delivery
from contactlists.services import build_contact_list
from network import retention
from outbox.models import OutgoingEmail

from ..conftest import admit
from .conftest import all_sent, days_ago, replaced_at


def test_a_replaced_version_whose_emails_are_still_going_out_waits(alstrom, secretariat, now):
    membership = admit("Mette Holm", alstrom, secretariat)
    first = build_contact_list(membership.group)
    admit("Jonas Berg", alstrom, secretariat)
    second = build_contact_list(membership.group)
    all_sent(second)
    replaced_at(first, days_ago(now, 90, older=True))
    OutgoingEmail.objects.filter(delivery__contact_list=first).update(
        status=OutgoingEmail.Status.SENDING
    )

    assert retention.plan(now).contactlists.lists == {}

    all_sent(first)
    emails = list(OutgoingEmail.objects.filter(delivery__contact_list=first))
    retention.carry_out(retention.plan(now))

    assert list(ContactList.objects.all()) == [second]
    assert not Delivery.objects.filter(contact_list_id=first.pk).exists()
    assert not OutgoingEmail.objects.filter(pk__in=[email.pk for email in emails]).exists()
    assert second.deliveries.count() == 2

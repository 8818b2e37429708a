"""Each list version reaches each member exactly once, however often its tasks run: a task
delivered twice by the broker, or a sender started twice, sends no second copy."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import IntegrityError, transaction

from contactlists.models import ContactList, Delivery, GroupChange
from contactlists.services import KIND, batch_of, record_group_change
from contactlists.tasks import build_contact_list_task
from diagnoses.models import DiagnosisGroup
from members.models import Membership, Person
from members.signals import MembershipChange
from outbox.models import OutgoingEmail
from outbox.tasks import send_batch_task

from .conftest import group_of, join, list_emails


def copies_per_recipient(outbox) -> Counter:
    return Counter(address for mail in list_emails(outbox) for address in mail.recipients)


def test_running_the_build_and_send_tasks_twice_sends_one_copy_to_each_member(
    alstrom, secretariat, mailoutbox
):
    # The joins are committed, but the tasks they started have not run yet.
    people = [
        join(name, alstrom, secretariat) for name in ("Mette Holm", "Jonas Berg", "Ingrid Lund")
    ]
    group = group_of(people[0])

    build_contact_list_task.apply(args=[group.pk])
    build_contact_list_task.apply(args=[group.pk])
    [contact_list] = ContactList.objects.filter(group=group)
    send_batch_task.apply(args=[batch_of(contact_list)])
    send_batch_task.apply(args=[batch_of(contact_list)])

    assert copies_per_recipient(mailoutbox) == {person.email: 1 for person in people}
    assert contact_list.deliveries.count() == 3
    assert set(contact_list.deliveries.values_list("email__status", flat=True)) == {"sent"}
    assert not GroupChange.objects.pending().exists()


def test_tasks_run_again_after_the_list_went_out_send_nothing_more(
    alstrom, secretariat, after_commit, mailoutbox
):
    with after_commit():
        people = [join(name, alstrom, secretariat) for name in ("Mette Holm", "Jonas Berg")]
    group = group_of(people[0])
    contact_list = group.contact_lists.order_by("-version").first()
    versions = group.contact_lists.count()
    sent = copies_per_recipient(mailoutbox)
    assert sent == {person.email: 1 for person in people}

    with after_commit():
        build_contact_list_task.apply(args=[group.pk])
        send_batch_task.apply(args=[batch_of(contact_list)])
        send_batch_task.apply(args=[batch_of(contact_list)])

    assert copies_per_recipient(mailoutbox) == sent
    assert group.contact_lists.count() == versions


def test_a_large_list_started_with_several_senders_sends_one_copy_to_each_member(
    db, after_commit, mailoutbox
):
    """Senders started one after the other here; two racing for real, in a worker's two
    processes, are tests/integration/test_faults_concurrent_approvals.py."""
    group = DiagnosisGroup.objects.create(name="Alström syndrome")
    people = Person.objects.bulk_create(
        Person(
            full_name=f"Member {number:02}",
            relationship="parent",
            street_address="Vej 1",
            postal_code="8000",
            city="Aarhus",
            country="DK",
            phone=f"+45201000{number:02}",
            email=f"member.{number}@example.org",
        )
        for number in range(45)
    )
    Membership.objects.bulk_create(Membership(person=person, group=group) for person in people)

    with after_commit() as callbacks:
        record_group_change(group.pk, person_id=None, reason=MembershipChange.JOINED)

    # More than one sender was started for this list, and each ran.
    assert len(callbacks) > 2
    assert copies_per_recipient(mailoutbox) == {person.email: 1 for person in people}
    [contact_list] = group.contact_lists.all()
    send_batch_task.apply(args=[batch_of(contact_list)])
    assert len(list_emails(mailoutbox)) == 45


def test_the_database_refuses_a_second_delivery_of_a_version_to_one_member(
    alstrom, secretariat, send_lists
):
    mette = join("Mette Holm", alstrom, secretariat)
    send_lists()
    delivery = Delivery.objects.get(person=mette)

    second = OutgoingEmail.objects.create(kind=KIND, batch="again", recipient=mette.email)

    with pytest.raises(IntegrityError), transaction.atomic():
        Delivery.objects.create(contact_list=delivery.contact_list, person=mette, email=second)

    assert Delivery.objects.filter(contact_list=delivery.contact_list, person=mette).count() == 1

"""A change to a group builds a new version of its list, with everyone still in the group,
and sends it to all of them: the newcomer as a welcome, the others as an update. A build
with nothing to do, or a change the group cannot see, sends nothing."""

from __future__ import annotations

from contactlists.models import ContactList, Delivery
from contactlists.services import build_contact_list, record_group_change
from members.models import Person
from members.signals import MembershipChange
from outbox.models import OutgoingEmail

from .conftest import group_of, join, latest_list, list_emails


def test_a_join_sends_every_member_the_new_list_and_the_newcomer_a_welcome(
    alstrom, secretariat, after_commit, send_lists, mailoutbox
):
    mette = join("Mette Holm", alstrom, secretariat)
    jonas = join("Jonas Berg", alstrom, secretariat)
    send_lists()
    mailoutbox.clear()
    group = group_of(mette)
    before = latest_list(group)

    with after_commit():
        freja = join("Freja Christensen", alstrom, secretariat)

    contact_list = latest_list(group)
    assert contact_list.version == before.version + 1
    assert [entry["full_name"] for entry in contact_list.entries] == [
        "Freja Christensen",
        "Jonas Berg",
        "Mette Holm",
    ]
    deliveries = {d.person_id: d for d in contact_list.deliveries.select_related("email")}
    assert set(deliveries) == {mette.pk, jonas.pk, freja.pk}
    assert deliveries[freja.pk].is_welcome
    assert not deliveries[mette.pk].is_welcome and not deliveries[jonas.pk].is_welcome
    assert {d.email.status for d in deliveries.values()} == {OutgoingEmail.Status.SENT}

    [welcome] = list_emails(mailoutbox, to=freja.email)
    assert "Welcome" in welcome.subject
    for person in (mette, jonas):
        [update] = list_emails(mailoutbox, to=person.email)
        assert "Updated contact list" in update.subject
        assert "Welcome" not in update.subject
        text = update.text()
        assert "[NEW] Freja Christensen" in text
        assert "[NEW] Mette Holm" not in text and "[NEW] Jonas Berg" not in text
        assert "Mette Holm" in text and "Jonas Berg" in text
        assert "NEW</span>" in update.html()
    assert len(list_emails(mailoutbox)) == 3


def test_a_build_with_no_pending_change_makes_nothing(alstrom, secretariat, send_lists, mailoutbox):
    mette = join("Mette Holm", alstrom, secretariat)
    join("Jonas Berg", alstrom, secretariat)
    send_lists()
    mailoutbox.clear()
    lists, deliveries = ContactList.objects.count(), Delivery.objects.count()

    assert build_contact_list(group_of(mette)) is None

    assert (ContactList.objects.count(), Delivery.objects.count()) == (lists, deliveries)
    assert mailoutbox == []


def test_a_change_that_alters_nothing_shared_makes_no_new_version(
    alstrom, secretariat, send_lists, after_commit, mailoutbox
):
    mette = join("Mette Holm", alstrom, secretariat)
    join("Jonas Berg", alstrom, secretariat)
    send_lists()
    mailoutbox.clear()
    group = group_of(mette)
    version = latest_list(group).version
    # The language is no detail the group sees.
    Person.objects.filter(pk=mette.pk).update(language="en")

    with after_commit():
        change = record_group_change(
            group.pk, person_id=mette.pk, reason=MembershipChange.DETAILS_CHANGED
        )

    assert latest_list(group).version == version
    change.refresh_from_db()
    assert change.handled_at is not None
    assert change.contact_list is None
    assert mailoutbox == []


def test_a_change_to_shared_details_sends_a_new_version_to_everyone(
    alstrom, secretariat, send_lists, after_commit, mailoutbox
):
    mette = join("Mette Holm", alstrom, secretariat)
    jonas = join("Jonas Berg", alstrom, secretariat)
    send_lists()
    mailoutbox.clear()
    group = group_of(mette)
    version = latest_list(group).version
    Person.objects.filter(pk=mette.pk).update(phone="+4522334455")

    with after_commit():
        record_group_change(group.pk, person_id=mette.pk, reason=MembershipChange.DETAILS_CHANGED)

    assert latest_list(group).version == version + 1
    for person in (mette, jonas):
        [update] = list_emails(mailoutbox, to=person.email)
        assert "Updated contact list" in update.subject
        assert "+45 22 33 44 55" in update.text()
        assert "[NEW]" not in update.text()

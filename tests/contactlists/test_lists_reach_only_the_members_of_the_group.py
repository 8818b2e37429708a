"""A member's details reach only the members of the same diagnosis group: no list goes to
another group, no list carries another group's members, and a member who left gets no
further list and is on none."""

from __future__ import annotations

from django.utils import timezone

from contactlists.models import Delivery
from contactlists.services import batch_of, record_group_change
from contactlists.tasks import build_contact_list_task
from members.models import Membership
from members.signals import MembershipChange
from outbox.models import OutgoingEmail
from outbox.services import sweep as sweep_outbox
from outbox.tasks import send_batch_task

from .conftest import everything_in, group_of, join, latest_list, list_emails


def leave(person, group) -> None:
    Membership.objects.filter(person=person, group=group, left_at=None).update(
        left_at=timezone.now()
    )


def traces_of(person) -> list[str]:
    """What would give a person away: name, email, phone as stored and as shown, address."""
    return [
        person.full_name,
        person.email,
        person.phone.as_e164,
        person.phone.as_international,
        person.street_address,
        person.city,
    ]


def test_a_member_of_another_group_receives_nothing_of_this_group(
    alstrom, kabuki, secretariat, after_commit, mailoutbox
):
    with after_commit():
        group_a = [join(name, alstrom, secretariat) for name in ("Mette Holm", "Jonas Berg")]
        group_b = [join(name, kabuki, secretariat) for name in ("Aud Hansen", "Lars Eriksen")]
    with after_commit():
        group_a.append(join("Freja Christensen", alstrom, secretariat))

    a_lists = [mail for mail in list_emails(mailoutbox) if "Alström syndrome" in mail.subject]
    assert len(a_lists) == 2 + 3  # the first version to two members, the next to three
    for mail in a_lists:
        assert set(mail.recipients) <= {person.email for person in group_a}
        seen = everything_in(mail)
        for person in group_b:
            for trace in traces_of(person):
                assert trace not in seen, f"{trace} of group B in group A's list"
    for person in group_b:
        [own_list] = list_emails(mailoutbox, to=person.email)
        assert "Kabuki syndrome" in own_list.subject
        seen = everything_in(own_list)
        for other in group_a:
            for trace in traces_of(other):
                assert trace not in seen, f"{trace} of group A in group B's list"
    assert not Delivery.objects.filter(
        contact_list__group=group_of(group_a[0]), person__in=group_b
    ).exists()


def test_a_member_who_left_is_on_no_later_list_and_receives_nothing_more(
    alstrom, secretariat, send_lists, after_commit, mailoutbox
):
    mette = join("Mette Holm", alstrom, secretariat)
    jonas = join("Jonas Berg", alstrom, secretariat)
    ingrid = join("Ingrid Lund", alstrom, secretariat)
    send_lists()
    group = group_of(mette)
    mailoutbox.clear()

    with after_commit():
        leave(ingrid, group)
        record_group_change(group.pk, person_id=ingrid.pk, reason=MembershipChange.LEFT)

    after_leaving = latest_list(group)
    assert [entry["full_name"] for entry in after_leaving.entries] == ["Jonas Berg", "Mette Holm"]
    assert list_emails(mailoutbox, to=ingrid.email) == []
    for person in (mette, jonas):
        [update] = list_emails(mailoutbox, to=person.email)
        for trace in traces_of(ingrid):
            assert trace not in everything_in(update)

    with after_commit():
        join("Freja Christensen", alstrom, secretariat)

    assert latest_list(group).version == after_leaving.version + 1
    assert list_emails(mailoutbox, to=ingrid.email) == []
    assert not Delivery.objects.filter(person=ingrid, contact_list__version__gt=1).exists()


def test_a_list_queued_for_someone_who_left_before_it_was_sent_is_cancelled(
    alstrom, secretariat, mailoutbox
):
    mette = join("Mette Holm", alstrom, secretariat)
    jonas = join("Jonas Berg", alstrom, secretariat)
    group = group_of(mette)
    build_contact_list_task.apply(args=[group.pk])
    contact_list = latest_list(group)
    # Jonas leaves while the list still waits for its sender.
    leave(jonas, group)

    send_batch_task.apply(args=[batch_of(contact_list)])

    assert list_emails(mailoutbox, to=jonas.email) == []
    assert len(list_emails(mailoutbox, to=mette.email)) == 1
    assert contact_list.deliveries.get(person=jonas).email.status == OutgoingEmail.Status.CANCELLED
    assert contact_list.deliveries.get(person=mette).email.status == OutgoingEmail.Status.SENT


def test_a_member_who_left_is_on_no_list_sent_after_they_left(
    alstrom, secretariat, settings, send_lists, after_commit, mailoutbox
):
    mette = join("Mette Holm", alstrom, secretariat)
    jonas = join("Jonas Berg", alstrom, secretariat)
    ingrid = join("Ingrid Lund", alstrom, secretariat)
    group = group_of(mette)
    # The mail server is down when the first list goes out: every copy waits for a retry.
    settings.EMAIL_BACKEND = "tests.contactlists.failing_backend.DisconnectingBackend"
    send_lists()
    assert set(Delivery.objects.values_list("email__status", flat=True)) == {
        OutgoingEmail.Status.QUEUED
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

    # Jonas leaves; the server is back, and the list without him goes out.
    with after_commit():
        leave(jonas, group)
        record_group_change(group.pk, person_id=jonas.pk, reason=MembershipChange.LEFT)
    assert [e["full_name"] for e in latest_list(group).entries] == ["Ingrid Lund", "Mette Holm"]
    # Later the retries of the first list come due.
    OutgoingEmail.objects.filter(status=OutgoingEmail.Status.QUEUED).update(
        retry_after=timezone.now()
    )
    with after_commit():
        sweep_outbox()

    assert list_emails(mailoutbox, to=jonas.email) == []
    for person in (mette, ingrid):
        for mail in list_emails(mailoutbox, to=person.email):
            for trace in traces_of(jonas):
                assert trace not in everything_in(mail), f"{trace} sent to {person} after he left"

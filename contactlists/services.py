"""Contact lists: every member of a group has the group's current list.

A change to a group is recorded in the transaction that made it (`record_group_change`);
after the commit, `build_contact_list` turns the pending changes into one new version,
with one delivery per member, each an email of the outbox, which sends it once
(`outbox.services`); each member's copy is written as it is sent (`emails.ContactListComposer`).
The sweep builds what a lost task left unbuilt.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from diagnoses.models import DiagnosisGroup
from members.models import Person
from members.signals import MembershipChange
from outbox import services as outbox
from outbox.models import OutgoingEmail
from outbox.queueing import LOST_TASK_GRACE, enqueue_on_commit

from .models import ContactList, Delivery, GroupChange, Letter

# The outbox kind of a contact list email.
KIND = "contact_list"


def record_group_change(group_id: int, *, person_id: int | None, reason: str) -> GroupChange:
    """Note that a group's list is out of date and have it rebuilt after the commit.

    Changes within the coalescing window go out as one version: the first build runs
    when the window has passed and takes every change pending by then.
    """
    from .tasks import build_contact_list_task

    change = GroupChange.objects.create(group_id=group_id, person_id=person_id, reason=reason)
    enqueue_on_commit(
        build_contact_list_task, group_id, countdown=settings.CONTACT_LIST_COALESCE_SECONDS
    )
    return change


def shared_entry(person: Person) -> dict:
    """What the group sees of one member: name and email always, the rest as they chose
    (an empty value where they did not)."""
    address = None
    if person.share_address:
        address = {
            "street_address": person.street_address,
            "postal_code": person.postal_code,
            "city": person.city,
            "country": person.country.code,
        }
    return {
        "person_id": person.pk,
        "full_name": person.full_name,
        "relationship": person.relationship if person.share_relationship else "",
        "birth_year": person.birth_year if person.share_birth_year else None,
        "address": address,
        "phone": str(person.phone) if person.share_phone and person.phone else "",
        "email": person.email,
    }


def build_contact_list(group: DiagnosisGroup) -> ContactList | None:
    """Build the next version of the group's list from its pending changes.

    The group row stays locked while the version is built, so concurrent builds queue up
    and each sees the other's members: no version is skipped or built twice. Changes that
    alter nothing the group sees are marked handled without a new version.
    """
    with transaction.atomic():
        group = DiagnosisGroup.objects.select_for_update().get(pk=group.pk)
        pending = GroupChange.objects.pending().filter(group=group)
        changes = list(pending.values_list("pk", flat=True))
        if not changes:
            return None
        # Someone joined or left: a new version, even where the entries look the same (an
        # erased member's entry is gone from the stored versions too).
        joined_or_left = pending.exclude(reason=MembershipChange.DETAILS_CHANGED).exists()
        previous = group.contact_lists.order_by("-version").first()
        members = list(Person.objects.in_group(group).order_by("full_name", "pk"))
        entries = [shared_entry(person) for person in members]
        contact_list = None
        if previous is None or joined_or_left or _without_marks(previous.entries) != entries:
            known = {entry["person_id"] for entry in previous.entries} if previous else set()
            for entry in entries:
                entry["is_new"] = entry["person_id"] not in known
            contact_list = ContactList.objects.create(
                group=group,
                version=previous.version + 1 if previous else 1,
                entries=entries,
            )
            unwelcomed = _supersede_unsent(contact_list)
            _queue_deliveries(contact_list, members, unwelcomed)
        GroupChange.objects.filter(pk__in=changes).update(
            handled_at=timezone.now(), contact_list=contact_list
        )
    return contact_list


def batch_of(contact_list: ContactList) -> str:
    """The outbox batch of a version's emails: sent together, over one connection."""
    return f"contact-list-{contact_list.pk}"


def _queue_deliveries(
    contact_list: ContactList, members: list[Person], unwelcomed: set[int]
) -> None:
    """One delivery per member: an email of the outbox, or for a member who receives lists
    by post a letter in the print queue and no email, whether or not they have an address.
    A member with neither (brought in by the import without an address, and not yet set
    to receive lists by post) is still on the list, but has no copy to be sent."""
    new = {entry["person_id"] for entry in contact_list.entries if entry["is_new"]}
    by_post = [person for person in members if person.receives_lists_by_post]
    by_email = [person for person in members if not person.receives_lists_by_post and person.email]
    batch = batch_of(contact_list)
    emails = outbox.queue_composed(
        KIND, batch, [person.email for person in by_email], about=str(contact_list)
    )

    def delivery(person: Person, email: OutgoingEmail | None) -> Delivery:
        welcome = person.pk in new or person.pk in unwelcomed
        return Delivery(contact_list=contact_list, person=person, email=email, is_welcome=welcome)

    Delivery.objects.bulk_create(
        delivery(person, email) for person, email in zip(by_email, emails, strict=True)
    )
    posted = Delivery.objects.bulk_create(delivery(person, None) for person in by_post)
    Letter.objects.bulk_create(Letter(delivery=delivery) for delivery in posted)
    outbox.start_sending(batch, len(emails))


def _supersede_unsent(contact_list: ContactList) -> set[int]:
    """Withdraw the group's older versions that have not gone out yet (waiting for a retry,
    or failed, or a letter not yet posted): the new version goes to every current member,
    and an older one would still carry someone who has since left. Returns who was still
    owed a welcome."""
    unsent = Delivery.objects.filter(
        contact_list__group_id=contact_list.group_id,
        contact_list__version__lt=contact_list.version,
        email__status__in=[OutgoingEmail.Status.QUEUED, OutgoingEmail.Status.FAILED],
    )
    unposted = Letter.objects.to_post().filter(
        delivery__contact_list__group_id=contact_list.group_id,
        delivery__contact_list__version__lt=contact_list.version,
    )
    unwelcomed = set(unsent.filter(is_welcome=True).values_list("person_id", flat=True))
    unwelcomed.update(
        unposted.filter(delivery__is_welcome=True).values_list("delivery__person_id", flat=True)
    )
    OutgoingEmail.objects.filter(
        pk__in=unsent.values("email_id"),
        status__in=[OutgoingEmail.Status.QUEUED, OutgoingEmail.Status.FAILED],
    ).update(status=OutgoingEmail.Status.SUPERSEDED)
    unposted.update(superseded_at=timezone.now())
    return unwelcomed


def _without_marks(entries: list[dict]) -> list[dict]:
    return [{key: value for key, value in entry.items() if key != "is_new"} for entry in entries]


def sweep() -> None:
    """Build the lists whose task was lost: changes still pending well after their
    coalescing window (e.g. Redis was down at the commit). The outbox's own sweep sends
    what was built and not sent."""
    from .tasks import build_contact_list_task

    waited = (
        timezone.now() - timedelta(seconds=settings.CONTACT_LIST_COALESCE_SECONDS) - LOST_TASK_GRACE
    )
    stale_groups = (
        GroupChange.objects.pending()
        .filter(created_at__lte=waited)
        .values_list("group_id", flat=True)
        .distinct()
    )
    for group_id in stale_groups:
        build_contact_list_task.delay(group_id)


def remove_from_stored_lists(person_id: int, group_ids: set[int]) -> int:
    """Take an erased person's entry out of every stored version of their groups' lists,
    as if they had never been on them. Returns how many versions changed."""
    changed = 0
    lists = ContactList.objects.filter(group_id__in=group_ids).only("pk", "entries")
    for contact_list in lists.iterator(chunk_size=100):
        kept = [entry for entry in contact_list.entries if entry["person_id"] != person_id]
        if len(kept) != len(contact_list.entries):
            ContactList.objects.filter(pk=contact_list.pk).update(entries=kept)
            changed += 1
    return changed


def lists_sent_to(person: Person) -> list[dict]:
    """Each contact list version the person was sent, as it was: what they received."""
    deliveries = (
        Delivery.objects.filter(person=person)
        .select_related("contact_list__group", "email", "letter")
        .order_by("contact_list__created_at", "pk")
    )
    return [
        {
            "group": delivery.contact_list.group.name,
            "version": delivery.contact_list.version,
            "built": delivery.contact_list.created_at.isoformat(),
            **_how_sent(delivery),
            "members": delivery.contact_list.entries,
        }
        for delivery in deliveries
    ]


def _how_sent(delivery: Delivery) -> dict:
    if delivery.email is not None:
        sent_at = delivery.email.sent_at
        return {"status": delivery.email.status, "sent": sent_at.isoformat() if sent_at else None}
    letter = getattr(delivery, "letter", None)
    posted_at = letter.posted_at if letter else None
    return {"status": "by_post", "sent": posted_at.isoformat() if posted_at else None}


def mark_posted(letters: list[Letter], *, by) -> int:
    """Staff have posted these letters: each leaves the print queue, with who posted it
    and when. A letter posted already, or replaced by a newer version, is left as it is.
    Returns how many were marked."""
    return (
        Letter.objects.to_post()
        .filter(pk__in=[letter.pk for letter in letters])
        .update(posted_at=timezone.now(), posted_by=by)
    )

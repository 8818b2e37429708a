"""Information mailings and the closed online group.

Sending a mailing. `send_mailing` fixes who it is for (everyone whose latest mailings
consent is given, narrowed as staff chose) as one row per person, and starts a task that
hands them to the outbox a chunk at a time (`queue_next_chunk`). Each chunk reads the
consents again as it queues: a member who withdraws after the send started gets nothing
not yet queued, and the composer (emails.py) asks once more as each email is written, so
not even an email already queued goes out. A chunk is queued in one transaction with its
rows marked, so a worker that dies mid-send leaves the rest pending, and the task (late
acknowledged) or the sweep picks them up: nobody is lost, nobody queued twice.

Unsubscribing. Each copy carries a signed link (and the RFC 8058 headers) that withdraws
the mailings consent, recorded as a consent change like one made on the member's page.
The link names the person's pseudonym, never their id, and does not expire: a member may
unsubscribe from an old mailing.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.core import signing
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from members.consents import ConsentKind
from members.models import Person, PersonQuerySet
from members.services import change_consent
from outbox import services as outbox
from outbox.models import OutgoingEmail
from outbox.queueing import enqueue_on_commit, publish

from . import emails
from .models import Mailing, MailingRecipient, OnlineGroupStatus

MAILING_EMAIL = "mailing"
MAILING_TEST_EMAIL = "mailing_test"
ONLINE_GROUP_EMAIL = "online_group_invitation"
UNSUBSCRIBE_SALT = "mailings.unsubscribe"
# Recipients handed to the outbox in one transaction: a crash loses at most the work of
# one chunk, which is then done again.
CHUNK = 200


class MailingRefused(Exception):
    """The mailing cannot be sent (again); the message says why, to staff."""


class LinkInvalid(Exception):
    """The unsubscribe link was changed or cut, or its member has left the network."""


class OnlineGroupRefused(Exception):
    """The invitation cannot be sent; the message says why, to staff."""


def audience(mailing: Mailing) -> PersonQuerySet:
    """Who the mailing is for now: people whose latest mailings consent is given and who
    have an email address, in the chosen groups, countries and languages if any."""
    people = Person.objects.with_consent(ConsentKind.MAILINGS).exclude(email="")
    if mailing.pk and (group_ids := list(mailing.groups.values_list("pk", flat=True))):
        people = people.filter(
            memberships__group__in=group_ids, memberships__left_at=None
        ).distinct()
    if mailing.countries:
        people = people.filter(country__in=[str(country) for country in mailing.countries])
    if mailing.languages:
        people = people.filter(language__in=mailing.languages)
    return people


def unsubscribe_token(person: Person) -> str:
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(person.pseudonym))


def unsubscribe_url(person: Person) -> str:
    with translation.override(person.language):
        path = reverse("mailings:unsubscribe", args=[unsubscribe_token(person)])
    return settings.NETWORK_SITE_URL + path


def person_for_unsubscribe(token: str) -> Person:
    try:
        pseudonym = signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token)
    except signing.BadSignature as error:
        raise LinkInvalid from error
    person = Person.objects.filter(pseudonym=pseudonym).first()
    if person is None:
        raise LinkInvalid
    return person


def receives_mailings(person: Person) -> bool:
    return Person.objects.with_consent(ConsentKind.MAILINGS).filter(pk=person.pk).exists()


def unsubscribe(person: Person) -> bool:
    """Withdraw the person's mailings consent, as they asked through a mailing's link:
    recorded as a consent change by the person themselves. False when it was not given."""
    return change_consent(person, ConsentKind.MAILINGS, False, by=None) is not None


def _refuse_unwritten(mailing: Mailing) -> None:
    if not (mailing.subject(settings.LANGUAGE_CODE) and mailing.body(settings.LANGUAGE_CODE)):
        raise MailingRefused(_("Write the subject and the text in the default language first."))


def send_test(mailing: Mailing, *, by: User) -> int:
    """Send the staff member a copy in each language the mailing has its own text in (and
    in the default language), so they see what members will read. Returns how many."""
    _refuse_unwritten(mailing)
    address = getattr(by, "email", "")
    if not address:
        raise MailingRefused(_("Your staff account has no email address to send the test to."))
    languages = [
        settings.LANGUAGE_CODE,
        *(code for code in mailing.texts if code != settings.LANGUAGE_CODE),
    ]
    languages = [code for code in languages if code in dict(settings.LANGUAGES)]
    with transaction.atomic():
        for language in languages:
            written = emails.render_mailing(mailing, language, None, None)
            outbox.queue_email(
                written, address, kind=MAILING_TEST_EMAIL, about=f"{mailing} ({language})"
            )
    return len(languages)


def send_mailing(mailing: Mailing, *, by: User) -> int:
    """Send the mailing to its audience as it is now, once. Returns how many it is for."""
    _refuse_unwritten(mailing)
    with transaction.atomic():
        locked = Mailing.objects.select_for_update().get(pk=mailing.pk)
        if locked.status != Mailing.Status.DRAFT:
            raise MailingRefused(_("This mailing has been sent already."))
        people = list(audience(locked).values_list("pk", flat=True))
        MailingRecipient.objects.bulk_create(
            MailingRecipient(mailing=locked, person_id=pk) for pk in people
        )
        locked.status = Mailing.Status.SENDING
        locked.send_started_at = timezone.now()
        locked.sent_by = by
        locked.save(update_fields=["status", "send_started_at", "sent_by"])
        from .tasks import queue_mailing_task

        enqueue_on_commit(queue_mailing_task, locked.pk)
    mailing.refresh_from_db()
    return len(people)


def queue_next_chunk(mailing_id: int) -> int:
    """Hand the next chunk of pending recipients to the outbox: those who still consent
    now are queued, the others skipped. Returns how many were settled (0: none left)."""
    now = timezone.now()
    with transaction.atomic():
        chunk = list(
            MailingRecipient.objects.filter(
                mailing_id=mailing_id, state=MailingRecipient.State.PENDING
            )
            .select_related("person", "mailing")
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("pk")[:CHUNK]
        )
        if not chunk:
            return 0
        consenting = set(
            Person.objects.with_consent(ConsentKind.MAILINGS)
            .exclude(email="")
            .filter(pk__in=[recipient.person_id for recipient in chunk])
            .values_list("pk", flat=True)
        )
        to_queue = [recipient for recipient in chunk if recipient.person_id in consenting]
        batch = OutgoingEmail.new_batch()
        queued = outbox.queue_composed(
            MAILING_EMAIL,
            batch,
            [recipient.person.email for recipient in to_queue],
            about=str(chunk[0].mailing),
        )
        for recipient, email in zip(to_queue, queued, strict=True):
            recipient.email = email
            recipient.state = MailingRecipient.State.QUEUED
        for recipient in chunk:
            recipient.updated_at = now
            if recipient.person_id not in consenting:
                recipient.state = MailingRecipient.State.SKIPPED
        MailingRecipient.objects.bulk_update(chunk, ["state", "email", "updated_at"])
        if queued:
            outbox.start_sending(batch, len(queued))
    return len(chunk)


def queue_mailing(mailing_id: int) -> None:
    """Queue every pending recipient, chunk by chunk, then mark the mailing sent."""
    while queue_next_chunk(mailing_id):
        pass
    pending = MailingRecipient.objects.filter(
        mailing_id=mailing_id, state=MailingRecipient.State.PENDING
    )
    if not pending.exists():
        Mailing.objects.filter(pk=mailing_id, status=Mailing.Status.SENDING).update(
            status=Mailing.Status.SENT, send_finished_at=timezone.now()
        )


def sweep() -> None:
    """Publish the queueing of every mailing that still has pending recipients (its task
    was lost, or its worker died); run every minute."""
    from .tasks import queue_mailing_task

    for pk in Mailing.objects.filter(status=Mailing.Status.SENDING).values_list("pk", flat=True):
        publish(queue_mailing_task, pk)


def progress(mailing: Mailing) -> dict[str, int]:
    """How far the mailing is: recipients in total, waiting to be queued, skipped (consent
    withdrawn), and by the outbox's status of their email. One query."""
    statuses = OutgoingEmail.Status
    return MailingRecipient.objects.filter(mailing=mailing).aggregate(
        total=Count("pk"),
        pending=Count("pk", filter=Q(state=MailingRecipient.State.PENDING)),
        skipped=Count("pk", filter=Q(state=MailingRecipient.State.SKIPPED)),
        queued=Count("pk", filter=Q(email__status__in=[statuses.QUEUED, statuses.SENDING])),
        sent=Count("pk", filter=Q(email__status=statuses.SENT)),
        failed=Count("pk", filter=Q(email__status=statuses.FAILED)),
        cancelled=Count("pk", filter=Q(email__status=statuses.CANCELLED)),
    )


# The online group.


def consents_to_online_group(person: Person) -> bool:
    return Person.objects.with_consent(ConsentKind.ONLINE_GROUP).filter(pk=person.pk).exists()


def invite_to_online_group(person: Person, *, by: User | None) -> OnlineGroupStatus:
    """Email the person the link to the closed online group, or again when staff re-invite.
    Only to someone who consents now, and only where the network has set its group link."""
    if not settings.NETWORK_ONLINE_GROUP_URL:
        raise OnlineGroupRefused(
            _("The online group's link is not set (NETWORK_ONLINE_GROUP_URL).")
        )
    if not person.email:
        raise OnlineGroupRefused(_("%(person)s has no email address.") % {"person": person})
    if not consents_to_online_group(person):
        raise OnlineGroupRefused(
            _("%(person)s has not consented to the online group.") % {"person": person}
        )
    with transaction.atomic():
        status, _created = OnlineGroupStatus.objects.select_for_update().get_or_create(
            person=person, defaults={"status": OnlineGroupStatus.Status.INVITED}
        )
        written = emails.render_online_group_invitation(person)
        status.last_invitation = outbox.queue_email(
            written, person.email, kind=ONLINE_GROUP_EMAIL, about=str(_("online group"))
        )
        status.status = OnlineGroupStatus.Status.INVITED
        status.invited_at = timezone.now()
        status.invitations += 1
        status.changed_by = by
        status.save()
    return status


def record_online_group(person: Person, status: str, *, by: User) -> OnlineGroupStatus:
    """Record what staff see in the online group: the person joined, declined, or was
    removed (after withdrawing the consent, say)."""
    now = timezone.now()
    dates = {
        OnlineGroupStatus.Status.JOINED: "joined_at",
        OnlineGroupStatus.Status.DECLINED: "declined_at",
        OnlineGroupStatus.Status.REMOVED: "removed_at",
    }
    with transaction.atomic():
        row, _created = OnlineGroupStatus.objects.select_for_update().get_or_create(
            person=person, defaults={"status": status}
        )
        row.status = status
        setattr(row, dates[OnlineGroupStatus.Status(status)], now)
        row.changed_by = by
        row.save()
    return row

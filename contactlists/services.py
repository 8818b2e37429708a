"""Contact lists: every member of a group has the group's current list.

A change to a group is recorded in the transaction that made it (`record_group_change`);
after the commit, `build_contact_list` turns the pending changes into one new version
with one delivery row per member, and `send_due_deliveries` sends each delivery once.
The sweep picks up whatever a lost task or a dead worker left behind.
"""

from __future__ import annotations

import logging
import math
import smtplib
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from diagnoses.models import DiagnosisGroup
from members.models import LOST_TASK_GRACE, Membership, Person
from members.queueing import enqueue_on_commit, retry_delay

from .emails import ContactListMessages
from .models import ContactList, Delivery, GroupChange

logger = logging.getLogger(__name__)

# Deliveries one worker claims at a time. A worker killed mid-batch leaves at most
# this many waiting for the sweep, and at most one of them sent twice.
CLAIM_BATCH = 20
# Workers that send one list version side by side.
PARALLEL_SENDERS = 2


def record_group_change(group_id: int, *, person_id: int | None, reason: str) -> GroupChange:
    """Note that a group's list is out of date and have it rebuilt after the commit.

    Changes within the coalescing window go out as one version: the first build runs
    when the window has passed and takes every change pending by then.
    """
    from .tasks import build_contact_list_task

    change = GroupChange.objects.create(group_id=group_id, person_id=person_id, reason=reason)
    enqueue_on_commit(
        build_contact_list_task, group_id, countdown=settings.CONTACT_LIST_COALESCE_SECONDS or None
    )
    return change


def shared_entry(person: Person) -> dict:
    """What the group sees of one member: name and relationship always, the rest as chosen."""
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
        "relationship": person.relationship,
        "birth_year": person.birth_year,
        "address": address,
        "phone": str(person.phone) if person.share_phone and person.phone else "",
        "email": person.email if person.share_email else "",
    }


def build_contact_list(group: DiagnosisGroup) -> ContactList | None:
    """Build the next version of the group's list from its pending changes.

    The group row stays locked while the version is built, so concurrent builds queue up
    and each sees the other's members: no version is skipped or built twice. Changes that
    alter nothing the group sees are marked handled without a new version.
    """
    with transaction.atomic():
        group = DiagnosisGroup.objects.select_for_update().get(pk=group.pk)
        changes = list(
            GroupChange.objects.pending().filter(group=group).values_list("pk", flat=True)
        )
        if not changes:
            return None
        previous = group.contact_lists.order_by("-version").first()
        members = Person.objects.filter(
            memberships__group=group, memberships__left_at=None
        ).order_by("full_name", "pk")
        entries = [shared_entry(person) for person in members]
        contact_list = None
        if previous is None or _without_marks(previous.entries) != entries:
            known = {entry["person_id"] for entry in previous.entries} if previous else set()
            for entry in entries:
                entry["is_new"] = entry["person_id"] not in known
            contact_list = ContactList.objects.create(
                group=group,
                version=previous.version + 1 if previous else 1,
                entries=entries,
            )
            unwelcomed = _supersede_unsent(contact_list)
            Delivery.objects.bulk_create(
                Delivery(
                    contact_list=contact_list,
                    person_id=entry["person_id"],
                    is_welcome=entry["is_new"] or entry["person_id"] in unwelcomed,
                )
                for entry in entries
            )
            _enqueue_senders(contact_list, len(entries))
        GroupChange.objects.filter(pk__in=changes).update(
            handled_at=timezone.now(), contact_list=contact_list
        )
    return contact_list


def _supersede_unsent(contact_list: ContactList) -> set[int]:
    """Withdraw the group's older versions that have not gone out yet (waiting for a retry,
    or failed): the new version goes to every current member, and an older one would
    still carry someone who has since left. Returns who was still owed a welcome."""
    unsent = Delivery.objects.filter(
        contact_list__group_id=contact_list.group_id,
        contact_list__version__lt=contact_list.version,
        status__in=[Delivery.Status.QUEUED, Delivery.Status.FAILED],
    )
    unwelcomed = set(unsent.filter(is_welcome=True).values_list("person_id", flat=True))
    unsent.update(status=Delivery.Status.SUPERSEDED)
    return unwelcomed


def _without_marks(entries: list[dict]) -> list[dict]:
    return [{key: value for key, value in entry.items() if key != "is_new"} for entry in entries]


def _enqueue_senders(contact_list: ContactList, deliveries: int) -> None:
    from .tasks import send_contact_list_task

    for _sender in range(min(PARALLEL_SENDERS, math.ceil(deliveries / CLAIM_BATCH))):
        enqueue_on_commit(send_contact_list_task, contact_list.pk)


def _claim(contact_list: ContactList) -> list[Delivery]:
    now = timezone.now()
    with transaction.atomic():
        ids = list(
            contact_list.deliveries.due(now)
            .select_for_update(skip_locked=True)
            .order_by("pk")
            .values_list("pk", flat=True)[:CLAIM_BATCH]
        )
        Delivery.objects.filter(pk__in=ids).update(
            status=Delivery.Status.SENDING,
            claimed_at=now,
            attempts=F("attempts") + 1,
        )
    return list(Delivery.objects.filter(pk__in=ids).select_related("person").order_by("pk"))


def send_due_deliveries(contact_list: ContactList) -> None:
    """Send every delivery of this version that is due, over one SMTP connection.

    Each delivery is claimed in the database before it is sent and marked sent right
    after the server accepts it; a crash in between is the only way to send one twice.
    A recipient who has left the group since the list was built is not sent it.
    """
    messages = ContactListMessages(contact_list)
    connection = get_connection()
    try:
        while batch := _claim(contact_list):
            still_members = set(
                Membership.objects.active()
                .filter(group_id=contact_list.group_id, person__in=[d.person_id for d in batch])
                .values_list("person_id", flat=True)
            )
            for delivery in batch:
                if delivery.person_id not in still_members:
                    _finish(delivery, Delivery.Status.CANCELLED)
                    continue
                try:
                    # Opens once per batch, and again after a failure closed it.
                    connection.open()
                    connection.send_messages([messages.message_for(delivery)])
                except (smtplib.SMTPException, OSError) as exc:
                    connection.close()
                    _record_failure(delivery, exc)
                else:
                    _finish(delivery, Delivery.Status.SENT, sent_at=timezone.now())
    finally:
        connection.close()


def _finish(delivery: Delivery, status: str, **fields) -> None:
    Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SENDING).update(
        status=status, last_error="", **fields
    )


def _is_permanent(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _message in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code >= 500


def _record_failure(delivery: Delivery, exc: Exception) -> None:
    error = f"{type(exc).__name__}: {exc}"
    logger.warning("Delivery %s failed (attempt %s): %s", delivery.pk, delivery.attempts, error)
    if _is_permanent(exc) or delivery.attempts >= settings.CONTACT_LIST_MAX_ATTEMPTS:
        _finish(delivery, Delivery.Status.FAILED)
        Delivery.objects.filter(pk=delivery.pk).update(last_error=error)
        return
    Delivery.objects.filter(pk=delivery.pk, status=Delivery.Status.SENDING).update(
        status=Delivery.Status.QUEUED,
        last_error=error,
        next_attempt_at=timezone.now() + retry_delay(delivery.attempts),
    )


class ResendRefused(Exception):
    """The delivery must not go out again; the message says why."""


def resend(delivery: Delivery) -> Delivery:
    """Send a delivery of the group's current list again: one that failed, or one that was
    sent but did not reach the member. An older version, or a recipient who has left
    the group, is refused: the list must only ever reach current members."""
    contact_list = delivery.contact_list
    if ContactList.objects.filter(
        group_id=contact_list.group_id, version__gt=contact_list.version
    ).exists():
        raise ResendRefused(_("A newer version of this list exists; send that one instead."))
    if (
        not Membership.objects.active()
        .filter(group_id=contact_list.group_id, person_id=delivery.person_id)
        .exists()
    ):
        raise ResendRefused(_("The recipient is no longer a member of the group."))
    with transaction.atomic():
        Delivery.objects.filter(
            pk=delivery.pk, status__in=[Delivery.Status.FAILED, Delivery.Status.SENT]
        ).update(status=Delivery.Status.QUEUED, attempts=0, next_attempt_at=None, last_error="")
        _enqueue_senders(contact_list, 1)
    delivery.refresh_from_db()
    return delivery


def sweep() -> None:
    """Pick up work whose task was lost: changes never built (e.g. Redis was down at the
    commit), deliveries never sent or due for a retry, and deliveries claimed by a worker
    that died."""
    from .tasks import build_contact_list_task, send_contact_list_task

    now = timezone.now()
    waited = now - timedelta(seconds=settings.CONTACT_LIST_COALESCE_SECONDS) - LOST_TASK_GRACE
    stale_groups = (
        GroupChange.objects.pending()
        .filter(created_at__lte=waited)
        .values_list("group_id", flat=True)
        .distinct()
    )
    for group_id in stale_groups:
        build_contact_list_task.delay(group_id)
    claim_timeout = timedelta(seconds=settings.CONTACT_LIST_CLAIM_TIMEOUT)
    lost = Delivery.objects.lost(now, claim_timeout)
    contact_list_ids = set(lost.values_list("contact_list_id", flat=True).distinct())
    Delivery.objects.filter(
        status=Delivery.Status.SENDING, claimed_at__lte=now - claim_timeout
    ).update(
        status=Delivery.Status.QUEUED,
        next_attempt_at=None,
    )
    for contact_list_id in contact_list_ids:
        send_contact_list_task.delay(contact_list_id)

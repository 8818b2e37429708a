"""Retention of contact lists: a group's members need its current list, not its history.

A list version that a newer one replaced more than RETENTION_OLD_LISTS_DAYS ago is deleted,
with everything that exists only for it: its deliveries, their emails in the outbox (which
name the recipient; the delivery cascades from its email, not the other way), the letters
of members who receive lists by post, and the group changes that were sent in it. The
current version of every group stays, whatever its age: it is what the members have. A
group change that altered nothing the group sees (no version was built for it) goes the
same number of days after it was handled.

A version whose emails are still going out (queued or sending) waits for the next run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from outbox.models import OutgoingEmail

from .models import ContactList, GroupChange


def _cutoff(now: datetime) -> datetime:
    return now - timedelta(days=settings.RETENTION_OLD_LISTS_DAYS)


def _day(moment: datetime) -> str:
    return timezone.localdate(moment).isoformat()


def superseded_lists(now: datetime):
    """Versions replaced by the group's next version before the cutoff, none of whose
    emails is still going out; each with `superseded_at`, when the next one was built."""
    next_version = (
        ContactList.objects.filter(group=OuterRef("group"), version__gt=OuterRef("version"))
        .order_by("version")
        .values("created_at")[:1]
    )
    unfinished = OutgoingEmail.objects.filter(
        delivery__contact_list=OuterRef("pk"),
        status__in=[OutgoingEmail.Status.QUEUED, OutgoingEmail.Status.SENDING],
    )
    return (
        ContactList.objects.annotate(superseded_at=Subquery(next_version))
        .filter(superseded_at__lt=_cutoff(now))
        .exclude(Exists(unfinished))
        .defer("entries")
    )


def changes_due(now: datetime, contact_list_ids):
    """Handled changes sent in these versions, or that needed no version, handled before
    the cutoff. A pending change is never due: the next build needs it."""
    return GroupChange.objects.filter(handled_at__isnull=False).filter(
        Q(contact_list__in=contact_list_ids)
        | Q(contact_list__isnull=True, handled_at__lt=_cutoff(now))
    )


@dataclass(frozen=True)
class Plan:
    """What retention removes of contact lists at `now`: id -> what it is."""

    now: datetime
    lists: dict[int, str]
    changes: dict[int, str]

    def sections(self) -> list[tuple[str, str, dict[int, str]]]:
        days = settings.RETENTION_OLD_LISTS_DAYS
        return [
            (
                "contact_lists",
                f"Contact list versions replaced more than {days} days ago, to delete "
                "with their deliveries and emails",
                self.lists,
            ),
            (
                "group_changes",
                f"Group changes sent in those versions, or handled more than {days} days "
                "ago without one, to delete",
                self.changes,
            ),
        ]


def plan(now: datetime) -> Plan:
    lists = {
        pk: (
            f"contact list {pk} (group {group_id}, version {version}, "
            f"replaced {_day(superseded_at)})"
        )
        for pk, group_id, version, superseded_at in superseded_lists(now)
        .order_by("pk")
        .values_list("pk", "group_id", "version", "superseded_at")
    }
    changes = {
        pk: f"group change {pk} (group {group_id}, handled {_day(handled)})"
        for pk, group_id, handled in changes_due(now, list(lists))
        .order_by("pk")
        .values_list("pk", "group_id", "handled_at")
    }
    return Plan(now, lists, changes)


def carry_out(plan: Plan) -> dict[str, int]:
    """Delete the versions and changes the plan lists, those of them still due."""
    with transaction.atomic():
        lists = list(
            superseded_lists(plan.now).filter(pk__in=plan.lists).values_list("pk", flat=True)
        )
        changes = changes_due(plan.now, lists).filter(pk__in=plan.changes).delete()[1]
        # The emails first: each takes its delivery with it.
        OutgoingEmail.objects.filter(delivery__contact_list__in=lists).delete()
        # Without their entries, which the deletion has no use for.
        deleted = ContactList.objects.filter(pk__in=lists).only("pk").delete()[1]
    return {
        "contact_lists": deleted.get("contactlists.ContactList", 0),
        "group_changes": changes.get("contactlists.GroupChange", 0),
    }

"""Signals that `members` sends so that other apps can act, without `members` knowing them.

membership_changed
    Sent by the service functions in `members.services`, inside the transaction that
    changed who is in a diagnosis group or what a member shares with it.
    Keyword arguments:
      group_id:  the diagnosis group whose contact list is now out of date
      person_id: the person who joined, left, changed details, or was suspended from the
                 group's list or put back on it
      reason:    one of MembershipChange's values
    A receiver must record in the database, in that same transaction, whatever must
    not be lost, and schedule any background work for after the commit: the signal is
    sent whether or not the transaction later commits.
"""

from __future__ import annotations

from django.db import models
from django.dispatch import Signal


class MembershipChange(models.TextChoices):
    JOINED = "joined", "joined"
    LEFT = "left", "left"
    DETAILS_CHANGED = "details_changed", "details changed"
    SUSPENDED = "suspended", "suspended from the lists"
    RESTORED = "restored", "back on the lists"


membership_changed = Signal()


person_erased = Signal()
"""person_erased
    Sent by `members.privacy.erase_person`, inside its transaction, before the person's rows
    are deleted. Keyword arguments:
      person_id: the person being erased
      group_ids: every diagnosis group they ever belonged to
    A receiver removes, in that same transaction, whatever its app holds about the person
    (their entry in stored contact lists, for one).
"""

personal_data_requested = Signal()
"""personal_data_requested
    Sent by `members.privacy.personal_data` when a member (or staff for them) asks for
    everything the network holds about them. Keyword arguments:
      person: the Person
    A receiver returns a dict of sections to add to the export: JSON values only.
"""

from __future__ import annotations

from . import services


def record_membership_change(sender, *, group_id: int, person_id: int, reason: str, **kwargs):
    """members.signals.membership_changed: the group's list is out of date."""
    services.record_group_change(group_id, person_id=person_id, reason=reason)

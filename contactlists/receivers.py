from __future__ import annotations

from . import services


def record_membership_change(sender, *, group_id: int, person_id: int, reason: str, **kwargs):
    """members.signals.membership_changed: the group's list is out of date."""
    services.record_group_change(group_id, person_id=person_id, reason=reason)


def forget_erased_person(sender, *, person_id: int, group_ids: set[int], **kwargs):
    """members.signals.person_erased: their entry goes from every stored list version."""
    services.remove_from_stored_lists(person_id, group_ids)


def lists_sent_to(sender, *, person, **kwargs) -> dict:
    """members.signals.personal_data_requested: the contact lists the person was sent."""
    return {"contact_lists_sent_to_you": services.lists_sent_to(person)}

from __future__ import annotations

from . import services
from .models import Registration


def give_up_places(sender, *, person_id: int, **kwargs) -> None:
    """members.signals.person_erased: their places go to the waiting list."""
    services.cancel_for_erased(person_id)


def registrations_of(sender, *, person, **kwargs) -> dict:
    """members.signals.personal_data_requested: the person's meetup registrations."""
    return {
        "meetup_registrations": [
            {
                "meetup": str(registration.event),
                "status": registration.status,
                "adults": registration.adults,
                "children": registration.children,
                "dietary_needs": registration.dietary_needs,
                "accessibility_needs": registration.accessibility_needs,
                "note": registration.note,
                "invited": registration.invited_at.isoformat(),
            }
            for registration in Registration.objects.filter(person=person).select_related("event")
        ]
    }

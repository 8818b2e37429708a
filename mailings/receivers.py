from __future__ import annotations

from .models import MailingRecipient, OnlineGroupStatus


def mailings_and_online_group(sender, *, person, **kwargs) -> dict:
    """members.signals.personal_data_requested: the mailings meant for the person, and
    where they stand with the online group."""
    mailings = [
        {
            "mailing": str(recipient.mailing),
            "state": recipient.state,
            "email_status": recipient.email.status if recipient.email else None,
            "at": recipient.updated_at.isoformat(),
        }
        for recipient in MailingRecipient.objects.filter(person=person)
        .select_related("mailing", "email")
        .order_by("pk")
    ]
    status = OnlineGroupStatus.objects.filter(person=person).first()
    online_group = None
    if status is not None:
        online_group = {
            "status": status.status,
            "last_invited": status.invited_at.isoformat() if status.invited_at else None,
            "joined": status.joined_at.isoformat() if status.joined_at else None,
            "declined": status.declined_at.isoformat() if status.declined_at else None,
            "removed": status.removed_at.isoformat() if status.removed_at else None,
        }
    return {"information_mailings": mailings, "online_group": online_group}

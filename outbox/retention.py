"""Retention in the outbox: what an email said is kept only a while after it went out.

An email that will not be sent again (sent, failed, cancelled or superseded) keeps its text
(subject, plain text and HTML, which name the applicant and what was decided) for
RETENTION_SENT_EMAIL_DAYS after its last attempt, and then only the row: kind, recipient,
status, dates and attempts, which staff need to see that it went out, and to whom. The row
itself, with its recipient, goes with what it belongs to (an application, a contact list
version), which the app that owns it deletes; the outbox knows no app above it.

A composed kind (a contact list) stores no text, so this leaves its rows as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import OutgoingEmail

# No longer going out: nothing sends these unless staff send one again.
FINISHED = (
    OutgoingEmail.Status.SENT,
    OutgoingEmail.Status.FAILED,
    OutgoingEmail.Status.CANCELLED,
    OutgoingEmail.Status.SUPERSEDED,
)


def texts_due(now: datetime):
    """Finished emails whose last attempt (or, never tried, their queueing) is older than
    RETENTION_SENT_EMAIL_DAYS, and that still hold a text."""
    cutoff = now - timedelta(days=settings.RETENTION_SENT_EMAIL_DAYS)
    return (
        OutgoingEmail.objects.filter(status__in=FINISHED)
        .annotate(finished_at=Coalesce("sent_at", "claimed_at", "created_at"))
        .filter(finished_at__lt=cutoff)
        .exclude(Q(subject="", text="", html=""))
    )


@dataclass(frozen=True)
class Plan:
    """What retention removes from the outbox at `now`: email id -> what it is."""

    now: datetime
    texts: dict[int, str]

    def sections(self) -> list[tuple[str, str, dict[int, str]]]:
        days = settings.RETENTION_SENT_EMAIL_DAYS
        return [
            (
                "email_texts",
                f"Emails finished more than {days} days ago, their text to delete",
                self.texts,
            )
        ]


def plan(now: datetime) -> Plan:
    texts = {
        pk: f"email {pk} ({status} {timezone.localdate(finished_at).isoformat()})"
        for pk, status, finished_at in texts_due(now)
        .order_by("pk")
        .values_list("pk", "status", "finished_at")
    }
    return Plan(now, texts)


def carry_out(plan: Plan) -> dict[str, int]:
    """Delete the text of the emails the plan lists, those of them still due (one resent
    since the plan was made is not)."""
    with transaction.atomic():
        blanked = texts_due(plan.now).filter(pk__in=plan.texts).update(subject="", text="", html="")
    return {"email_texts": blanked}

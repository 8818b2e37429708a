"""Retention of applications: an application that did not lead to membership is kept only
as long as the network may need it.

- Never confirmed: deleted RETENTION_UNCONFIRMED_DAYS after it was submitted (the link
  in the email has long expired by then).
- Waiting for an answer that does not come: closed RETENTION_UNANSWERED_DAYS after the
  question was asked, with an event in its log; it then counts as decided.
- Rejected, referred, or closed: deleted RETENTION_DECIDED_DAYS after the decision (or
  the closing), so that the secretariat can still answer a question about it.

Deleting an application deletes everything that names the applicant: its events and
their emails in the outbox (which hold the name and the decision; the event does not
take its email with it), its consents, its consultations (anonymised already, but about
this applicant), and the admin's log lines, which name it. An approved application stays
while its person is a member; erasing the person deletes it (members/privacy.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from outbox.models import OutgoingEmail

from .models import Application, ApplicationEvent, ReviewQueue

DECIDED = (Application.Status.REJECTED, Application.Status.REFERRED, Application.Status.CLOSED)


def _days_before(now: datetime, days: int) -> datetime:
    return now - timedelta(days=days)


def unconfirmed_due(now: datetime):
    """Applications still unconfirmed RETENTION_UNCONFIRMED_DAYS after their submission."""
    cutoff = _days_before(now, settings.RETENTION_UNCONFIRMED_DAYS)
    return Application.objects.filter(
        status=Application.Status.UNCONFIRMED, submitted_at__lt=cutoff
    )


def unanswered_due(now: datetime):
    """Applications waiting for an answer to a question asked more than
    RETENTION_UNANSWERED_DAYS ago (the last question, if there were several); each with
    `asked_at`."""
    cutoff = _days_before(now, settings.RETENTION_UNANSWERED_DAYS)
    return (
        Application.objects.filter(status=Application.Status.AWAITING_INFORMATION)
        .annotate(
            asked_at=Max(
                "events__at",
                filter=Q(events__action=ApplicationEvent.Action.INFORMATION_REQUESTED),
            )
        )
        .filter(asked_at__lt=cutoff)
    )


def decided_due(now: datetime):
    """Rejected, referred and closed applications decided more than
    RETENTION_DECIDED_DAYS ago."""
    cutoff = _days_before(now, settings.RETENTION_DECIDED_DAYS)
    return Application.objects.filter(status__in=DECIDED, decided_at__lt=cutoff)


def _day(moment: datetime) -> str:
    return timezone.localdate(moment).isoformat()


@dataclass(frozen=True)
class Plan:
    """What retention does to applications at `now`: application id -> what it is."""

    now: datetime
    unconfirmed: dict[int, str]
    unanswered: dict[int, str]
    decided: dict[int, str]

    def sections(self) -> list[tuple[str, str, dict[int, str]]]:
        return [
            (
                "unconfirmed_applications",
                f"Applications unconfirmed for more than {settings.RETENTION_UNCONFIRMED_DAYS}"
                " days, to delete",
                self.unconfirmed,
            ),
            (
                "unanswered_applications",
                f"Applications waiting more than {settings.RETENTION_UNANSWERED_DAYS} days "
                "for an answer, to close",
                self.unanswered,
            ),
            (
                "decided_applications",
                "Applications rejected, referred or closed more than "
                f"{settings.RETENTION_DECIDED_DAYS} days ago, to delete",
                self.decided,
            ),
        ]


def plan(now: datetime) -> Plan:
    return Plan(
        now,
        unconfirmed={
            pk: f"application {pk} (submitted {_day(submitted)})"
            for pk, submitted in unconfirmed_due(now)
            .order_by("pk")
            .values_list("pk", "submitted_at")
        },
        unanswered={
            pk: f"application {pk} (asked {_day(asked)})"
            for pk, asked in unanswered_due(now).order_by("pk").values_list("pk", "asked_at")
        },
        decided={
            pk: f"application {pk} ({status} {_day(decided)})"
            for pk, status, decided in decided_due(now)
            .order_by("pk")
            .values_list("pk", "status", "decided_at")
        },
    )


def carry_out(plan: Plan) -> dict[str, int]:
    """Close and delete the applications the plan lists, those of them still due (one
    confirmed or answered since the plan was made is not)."""
    with transaction.atomic():
        deleted = delete_applications(unconfirmed_due(plan.now).filter(pk__in=plan.unconfirmed))
        decided = delete_applications(decided_due(plan.now).filter(pk__in=plan.decided))
        closed = close_unanswered(unanswered_due(plan.now).filter(pk__in=plan.unanswered), plan.now)
    return {
        "unconfirmed_applications": deleted,
        "unanswered_applications": closed,
        "decided_applications": decided,
    }


def close_unanswered(applications, now: datetime) -> int:
    """Close these applications for want of an answer, noting it in each one's log. The
    closing is their decision: their retention counts from it."""
    ids = list(
        Application.objects.select_for_update()
        .filter(pk__in=applications.values("pk"), status=Application.Status.AWAITING_INFORMATION)
        .values_list("pk", flat=True)
    )
    Application.objects.filter(pk__in=ids).update(
        status=Application.Status.CLOSED, decided_at=now, decided_by=None
    )
    ApplicationEvent.objects.bulk_create(
        ApplicationEvent(application_id=pk, action=ApplicationEvent.Action.CLOSED) for pk in ids
    )
    return len(ids)


def delete_applications(applications) -> int:
    """Delete these applications and everything that names the applicant."""
    ids = list(applications.values_list("pk", flat=True))
    if not ids:
        return 0
    emails = list(
        ApplicationEvent.objects.filter(application__in=ids, email__isnull=False).values_list(
            "email_id", flat=True
        )
    )
    content_types = ContentType.objects.get_for_models(
        Application, ReviewQueue, for_concrete_models=False
    ).values()
    LogEntry.objects.filter(
        content_type__in=list(content_types), object_id__in=[str(pk) for pk in ids]
    ).delete()
    deleted = Application.objects.filter(pk__in=ids).delete()[1]
    OutgoingEmail.objects.filter(pk__in=emails).delete()
    return deleted.get("members.Application", 0)

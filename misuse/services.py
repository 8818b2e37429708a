"""Reports of misuse of the contact lists (DESIGN.md flow 6): anyone may report, through
the public form or the link in every list email, which names the group. The secretariat
works the report in admin and may suspend a member from a group's lists meanwhile: the
group gets a new list without them, and they are told; lifting the suspension puts them
back. The reporter gets a receipt, and never learns what was done about anyone."""

from __future__ import annotations

import uuid

from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from diagnoses.models import DiagnosisGroup
from members import services as members
from members.models import Membership
from outbox import emails
from outbox.models import OutgoingEmail
from outbox.services import queue_email

from .models import MisuseReport, ReportEvent, Suspension

RECEIPT = "misuse_receipt"
MEMBER_NOTICE = "misuse_member_notice"
# The link in a list email names its group, signed so that nobody can make it name
# another. It never expires: a member may report long after the list reached them.
LINK_SALT = "misuse.report-link"


class AlreadySuspended(Exception):
    """The member is already off the group's lists."""


def report_token(group: DiagnosisGroup) -> str:
    """What the link to the public form carries (?list=...): the group, signed. An email
    template writes the link in its reader's language: {% url 'misuse:report' %}."""
    return signing.dumps(group.pk, salt=LINK_SALT)


def group_for_link(token: str) -> DiagnosisGroup | None:
    try:
        group_id = signing.loads(token, salt=LINK_SALT)
    except signing.BadSignature:
        return None
    return DiagnosisGroup.objects.filter(pk=group_id).first()


def submit_report(
    *,
    what_happened: str,
    reporter_email: str,
    language: str,
    group: DiagnosisGroup | None = None,
    group_as_typed: str = "",
    reporter_name: str = "",
) -> MisuseReport:
    """Record a report and send the reporter a receipt in the language they wrote in."""
    with transaction.atomic():
        report = MisuseReport.objects.create(
            group=group,
            group_as_typed=group_as_typed,
            what_happened=what_happened,
            reporter_name=reporter_name,
            reporter_email=reporter_email,
            language=language,
        )
        ReportEvent.objects.create(report=report, action=ReportEvent.Action.RECEIVED)
        receipt = emails.render(RECEIPT, {"report": report}, language)
        queue_email(receipt, reporter_email, kind=RECEIPT, about=str(report))
    return report


def change_status(report: MisuseReport, status: str, *, by, note: str = "") -> None:
    if status == report.status:
        return
    with transaction.atomic():
        MisuseReport.objects.filter(pk=report.pk).update(status=status)
        report.status = status
        label = str(MisuseReport.Status(status).label)
        ReportEvent.objects.create(
            report=report,
            action=ReportEvent.Action.STATUS,
            note=f"{label}: {note.strip()}" if note.strip() else label,
            by=by,
        )


def add_note(report: MisuseReport, note: str, *, by) -> ReportEvent:
    return ReportEvent.objects.create(
        report=report, action=ReportEvent.Action.NOTE, note=note.strip(), by=by
    )


def suspend(report: MisuseReport, membership: Membership, *, by, note: str = "") -> Suspension:
    """Take the member off the group's lists while the report is looked into, and tell
    them, in their language; the report moves on to "in progress"."""
    with transaction.atomic():
        if not members.suspend_from_lists(membership, by=by):
            raise AlreadySuspended
        suspension = Suspension.objects.create(report=report, membership=membership)
        suspension.notice = _tell_member(membership, "misuse_suspended")
        suspension.save(update_fields=["notice"])
        ReportEvent.objects.create(
            report=report, action=ReportEvent.Action.SUSPENDED, note=note.strip(), by=by
        )
        if report.status == MisuseReport.Status.NEW:
            change_status(report, MisuseReport.Status.IN_PROGRESS, by=by)
    return suspension


def lift(suspension: Suspension, *, by, note: str = "") -> bool:
    """Put the member back on the group's lists (they are sent the next one), and tell
    them. Returns whether this call lifted it."""
    with transaction.atomic():
        suspension = Suspension.objects.select_for_update().get(pk=suspension.pk)
        if suspension.lifted_at is not None:
            return False
        members.restore_to_lists(suspension.membership, by=by)
        suspension.lifted_at = timezone.now()
        suspension.lift_notice = _tell_member(suspension.membership, "misuse_restored")
        suspension.save(update_fields=["lifted_at", "lift_notice"])
        ReportEvent.objects.create(
            report=suspension.report, action=ReportEvent.Action.LIFTED, note=note.strip(), by=by
        )
    return True


def _tell_member(membership: Membership, name: str) -> OutgoingEmail | None:
    person = membership.person
    if person is None or not person.email:
        return None
    rendered = emails.render(
        name, {"person": person, "group_name": membership.group.name}, person.language
    )
    return queue_email(rendered, person.email, kind=MEMBER_NOTICE, about=membership.group.name)


def member_told(email: OutgoingEmail) -> tuple[str, uuid.UUID] | None:
    """The member a suspension notice went to, for the access log; None once erased."""
    pseudonym = (
        Suspension.objects.filter(Q(notice=email) | Q(lift_notice=email))
        .values_list("membership__person__pseudonym", flat=True)
        .first()
    )
    return None if pseudonym is None else ("person", pseudonym)

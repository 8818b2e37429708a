"""The one outbox: every email the network sends is a row here, sent by one path.

- `queue_email` stores an email written now; `queue_composed` (with `start_sending`)
  queues emails that their kind writes when they are sent, such as a contact list.
- `send_batch` sends the due emails of one batch. It claims one email at a time with a
  lease, so one slow message holds up nobody else: the batch's other senders carry on.
  Only the holder of the lease marks the email sent; a sender that finds its lease gone
  records the second send, which staff then see.
- A temporary failure is tried again with backoff, on a fresh connection when the old one
  broke, and the retry is published for when it is due. A permanent refusal (a 5xx for
  the recipient or the message) fails the email at once; so does the last attempt.
- `sweep`, run every minute, takes back leases that ran out (a sender died) and publishes
  the batches whose task was lost.
"""

from __future__ import annotations

import contextlib
import logging
import smtplib
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import TypeVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.db import DatabaseError, InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from . import composers
from .emails import RenderedEmail
from .models import OutgoingEmail
from .queueing import LOST_TASK_GRACE, enqueue_on_commit, publish

logger = logging.getLogger(__name__)

# Senders started side by side for one batch; a worker runs two tasks at a time by default.
SENDERS_PER_BATCH = 2
# One message takes at most this many EMAIL_TIMEOUTs: connect, EHLO, STARTTLS, AUTH, MAIL,
# RCPT, DATA and the final reply each wait at most one. A sender starts a message only while
# its lease has that long to run, so a lease never runs out in the middle of a send.
TIMEOUTS_PER_MESSAGE = 8
# SMTP errors after which smtplib has reset the session: the connection serves the next one.
SESSION_KEPT = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)

T = TypeVar("T")

# The recipient of an email whose recipient was erased: a valid address that is nobody's.
ERASED_RECIPIENT = "erased@invalid"


class ResendRefused(Exception):
    """The email must not go out again; the message says why, to staff."""


def retry_delay(attempts: int) -> timedelta:
    """Backoff between attempts: the first retry after OUTBOX_FIRST_RETRY_SECONDS (30 s),
    then twice as long each time, up to an hour."""
    first = settings.OUTBOX_FIRST_RETRY_SECONDS
    return timedelta(seconds=min(first * 2 ** max(attempts - 1, 0), 3600))


def send_allowance() -> timedelta:
    """The longest one message can take before its socket timeouts give up."""
    return timedelta(seconds=(settings.EMAIL_TIMEOUT or 30) * TIMEOUTS_PER_MESSAGE)


def queue_email(email: RenderedEmail, to: str, *, kind: str, about: str = "") -> OutgoingEmail:
    """Store an email written now and have it sent after the commit."""
    outgoing = OutgoingEmail.objects.create(
        kind=kind,
        about=about[:255],
        batch=OutgoingEmail.new_batch(),
        recipient=to,
        subject=email.subject,
        text=email.text,
        html=email.html,
    )
    start_sending(outgoing.batch, 1)
    return outgoing


def queue_composed(
    kind: str, batch: str, recipients: list[str], *, about: str = ""
) -> list[OutgoingEmail]:
    """Queue one email of `kind` to each recipient, in one batch, for the kind's composer to
    write when each is sent. The caller starts the sending with `start_sending`."""
    return OutgoingEmail.objects.bulk_create(
        OutgoingEmail(kind=kind, about=about[:255], batch=batch, recipient=recipient)
        for recipient in recipients
    )


def start_sending(batch: str, count: int) -> None:
    """Start the batch's senders once the transaction that queued its emails commits."""
    from .tasks import send_batch_task

    for _sender in range(min(SENDERS_PER_BATCH, count)):
        enqueue_on_commit(send_batch_task, batch)


def when_database_answers(operation: Callable[[], T]) -> T:
    """Run `operation`; while the database is unreachable (restarting, failing over), try
    again with a growing pause for up to OUTBOX_DATABASE_PATIENCE seconds, so that what a
    sender knows (an email was accepted) is written once the database is back."""
    deadline = time.monotonic() + settings.OUTBOX_DATABASE_PATIENCE
    pause = 0.25
    while True:
        try:
            return operation()
        except (OperationalError, InterfaceError):
            if connection.in_atomic_block or time.monotonic() + pause > deadline:
                raise
            logger.warning("Database unreachable; trying again in %.2f s", pause)
            with contextlib.suppress(DatabaseError):
                connection.close()
            time.sleep(pause)
            pause = min(pause * 2, 5)


# One statement claims the next due email of a batch on PostgreSQL. A sender claims one
# email at a time, so that a stalled message holds up no other (bench/README.md has the
# figures); one statement is one round trip where a transaction (begin, select for update,
# update, commit) would take four.
CLAIM_NEXT = """
    UPDATE outbox_outgoingemail
    SET status = 'sending', claim = %(claim)s, claimed_at = %(now)s,
        lease_until = %(lease_until)s, attempts = attempts + 1
    WHERE id = (
        SELECT id FROM outbox_outgoingemail
        WHERE batch = %(batch)s AND status = 'queued'
            AND (retry_after IS NULL OR retry_after <= %(now)s)
        ORDER BY id LIMIT 1
        FOR UPDATE SKIP LOCKED
    )
    RETURNING *
"""


def _claim_next(batch: str, claim: uuid.UUID) -> OutgoingEmail | None:
    """The next due email of the batch, claimed with `claim` for a lease."""
    now = timezone.now()
    lease_until = now + timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    if connection.vendor == "postgresql":
        params = {"claim": claim, "now": now, "lease_until": lease_until, "batch": batch}
        return next(iter(OutgoingEmail.objects.raw(CLAIM_NEXT, params)), None)
    # SQLite, the embedded default: one writer at a time, so no row to skip.
    with transaction.atomic():
        email = OutgoingEmail.objects.due(now).filter(batch=batch).order_by("pk").first()
        if email is None:
            return None
        email.status = OutgoingEmail.Status.SENDING
        email.claim = claim
        email.claimed_at = now
        email.lease_until = lease_until
        email.attempts += 1
        email.save(update_fields=["status", "claim", "claimed_at", "lease_until", "attempts"])
    return email


def _claim(batch: str) -> OutgoingEmail | None:
    """Claim the next due email of the batch, waiting for the database if it is away. An
    attempt cut off mid-commit may have claimed one: a retry looks for it first, by its
    claim token, rather than leave it to its lease."""
    claim = uuid.uuid4()
    attempts = 0

    def attempt() -> OutgoingEmail | None:
        nonlocal attempts
        attempts += 1
        if attempts > 1:
            mine = OutgoingEmail.objects.filter(claim=claim, status=OutgoingEmail.Status.SENDING)
            if email := mine.first():
                return email
        return _claim_next(batch, claim)

    return when_database_answers(attempt)


def _held(email: OutgoingEmail):
    """The email while its sender still holds the lease it claimed it with."""
    return OutgoingEmail.objects.filter(
        pk=email.pk, status=OutgoingEmail.Status.SENDING, claim=email.claim
    )


# The claim token stays on the email after its lease ends: a sender whose write of the
# outcome may or may not have reached the database can tell that it did.
RELEASED = {"lease_until": None}


def _mark_sent(email: OutgoingEmail) -> None:
    now = timezone.now()
    sent = {"status": OutgoingEmail.Status.SENT, "sent_at": now, "sends": F("sends") + 1}
    if _held(email).update(**sent, **RELEASED, last_error=""):
        return
    if OutgoingEmail.objects.filter(
        pk=email.pk, claim=email.claim, status=OutgoingEmail.Status.SENT
    ).exists():
        return  # written before the database went away, though the answer did not come
    # The lease ran out while the message was on its way, and the sweep took the email back.
    note = _(
        "Accepted by the mail server at %(time)s from a sender whose lease had run out: "
        "the recipient may have two copies."
    ) % {"time": timezone.localtime(now).strftime("%Y-%m-%d %H:%M:%S")}
    logger.warning("Email %s was sent after its sender lost the lease", email.pk)
    if OutgoingEmail.objects.filter(pk=email.pk, status=OutgoingEmail.Status.QUEUED).update(
        **sent, **RELEASED, note=note
    ):
        return
    OutgoingEmail.objects.filter(pk=email.pk).update(sends=F("sends") + 1, note=note)


def is_permanent(exc: Exception) -> bool:
    """A 5xx for the recipient or for the message: sending it again cannot help. A 5xx for
    anything else (our login, our sender address) is the network's to fix, and retried."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _message in exc.recipients.values())
    return isinstance(exc, smtplib.SMTPDataError) and exc.smtp_code >= 500


def _record_failure(email: OutgoingEmail, exc: Exception) -> datetime | None:
    """Queue the email again for later, or fail it; returns when it is due again."""
    error = f"{type(exc).__name__}: {exc}"
    logger.warning("Email %s failed (attempt %s): %s", email.pk, email.attempts, error)
    if is_permanent(exc) or email.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        _held(email).update(status=OutgoingEmail.Status.FAILED, last_error=error, **RELEASED)
        return None
    retry_after = timezone.now() + retry_delay(email.attempts)
    _held(email).update(
        status=OutgoingEmail.Status.QUEUED, last_error=error, retry_after=retry_after, **RELEASED
    )
    return retry_after


def _withdraw(email: OutgoingEmail, reason: str) -> None:
    _held(email).update(status=OutgoingEmail.Status.CANCELLED, note=reason, **RELEASED)


def _release(email: OutgoingEmail) -> None:
    """Give the email back unsent, due at once, for another sender."""
    _held(email).update(status=OutgoingEmail.Status.QUEUED, retry_after=None, **RELEASED)


def _drop(mail: BaseEmailBackend) -> None:
    """Close a broken connection without QUIT, which a stalled server may never answer."""
    if not isinstance(mail, SmtpBackend) or mail.connection is None:
        mail.close()
        return
    with contextlib.suppress(OSError):
        mail.connection.close()
    mail.connection = None


def _send_one(email: OutgoingEmail, composer: composers.Composer, mail: BaseEmailBackend):
    """Write, send and record one claimed email; returns when it is due again, if it is."""
    try:
        message = when_database_answers(partial(composer.message, email))
    except composers.Withdrawn as withdrawn:
        when_database_answers(partial(_withdraw, email, str(withdrawn)))
        return None
    except DatabaseError:
        raise
    except Exception as exc:
        logger.exception("Email %s could not be written", email.pk)
        return when_database_answers(partial(_record_failure, email, exc))
    if email.lease_until is None or timezone.now() + send_allowance() >= email.lease_until:
        # Writing it took most of the lease: let a sender with a fresh lease send it.
        when_database_answers(partial(_release, email))
        return None
    try:
        mail.open()
        mail.send_messages([message])
    except SESSION_KEPT as exc:
        return when_database_answers(partial(_record_failure, email, exc))
    except (smtplib.SMTPException, OSError) as exc:
        _drop(mail)
        return when_database_answers(partial(_record_failure, email, exc))
    when_database_answers(partial(_mark_sent, email))
    return None


def send_batch(batch: str) -> None:
    """Send every email of the batch that is due, one claim at a time, over one connection.

    A crash between the server's acceptance and the record of it is the only way to send
    an email twice, and the sweep then notes it on the email. A failure that is to be tried
    again has this batch published again for when it is due.
    """
    from .tasks import send_batch_task

    composer = None
    mail = get_connection()
    retry_at = None
    try:
        while email := _claim(batch):
            composer = composer or composers.composer_for(email.kind)
            try:
                due_again = _send_one(email, composer, mail)
            except BaseException:
                _release_quietly(email)
                raise
            if due_again and (retry_at is None or due_again < retry_at):
                retry_at = due_again
    finally:
        _drop(mail)
    if retry_at is not None:
        countdown = max((retry_at - timezone.now()).total_seconds(), 0)
        publish(send_batch_task, batch, countdown=countdown)


def _release_quietly(email: OutgoingEmail) -> None:
    """On the way out after an error: should the database be gone, the lease runs out and
    the sweep takes the email back."""
    try:
        _release(email)
    except DatabaseError:
        logger.warning("Email %s left to its lease: the database is unreachable", email.pk)


def resend(email: OutgoingEmail, *, by: AbstractBaseUser) -> None:
    """Send a failed email again, or one the server accepted but that did not arrive, as
    staff asked. The kind may refuse (a contact list that a newer version replaced)."""
    if email.status not in (OutgoingEmail.Status.FAILED, OutgoingEmail.Status.SENT):
        raise ResendRefused(_("Only a failed or sent email can be sent again."))
    refusal = composers.composer_for(email.kind).refuse_resend(email)
    if refusal:
        raise ResendRefused(refusal)
    note = _("Sent again at the request of %(user)s on %(time)s.") % {
        "user": by.get_username(),
        "time": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
    }
    with transaction.atomic():
        queued = OutgoingEmail.objects.filter(
            pk=email.pk, status__in=[OutgoingEmail.Status.FAILED, OutgoingEmail.Status.SENT]
        ).update(
            status=OutgoingEmail.Status.QUEUED,
            attempts=0,
            retry_after=None,
            last_error="",
            note=note,
        )
        if queued:
            start_sending(email.batch, 1)
    email.refresh_from_db()


def sweep() -> None:
    """Take back emails whose sender stopped with its lease running (a worker that died or
    hung), noting that the recipient may get two copies; publish every batch with due
    emails that no sender is working on (their task was lost, or their retry came due)."""
    from .tasks import send_batch_task

    now = timezone.now()
    note = _(
        "The sender stopped answering while sending this (lease ran out at %(time)s); sent "
        "again, so the recipient may have two copies."
    )
    with transaction.atomic():
        expired = list(
            OutgoingEmail.objects.lease_expired(now)
            .select_for_update(skip_locked=True)
            .values_list("pk", "batch", "lease_until")
        )
        for pk, _batch, lease_until in expired:
            OutgoingEmail.objects.filter(pk=pk).update(
                status=OutgoingEmail.Status.QUEUED,
                retry_after=None,
                interrupted=F("interrupted") + 1,
                note=note % {"time": timezone.localtime(lease_until).strftime("%Y-%m-%d %H:%M:%S")},
                claim=None,
                **RELEASED,
            )
    batches = {batch for _pk, batch, _lease in expired}
    batches.update(
        OutgoingEmail.objects.lost(now, LOST_TASK_GRACE).values_list("batch", flat=True).distinct()
    )
    for batch in sorted(batches):
        publish(send_batch_task, batch)


@dataclass
class Trouble:
    """What of the outbox staff should look at, as counted on the admin index."""

    sending_too_long: int
    oldest_sending: datetime | None
    failed: int
    sent_more_than_once: int


def trouble() -> Trouble:
    """Emails sending for longer than any send should take (their sender hung or died),
    failed ones, and ones that may have reached their recipient twice."""
    emails = OutgoingEmail.objects
    stuck = emails.sending_longer_than(timezone.now(), send_allowance())
    return Trouble(
        sending_too_long=stuck.count(),
        oldest_sending=stuck.aggregate(oldest=Min("claimed_at"))["oldest"],
        failed=emails.filter(status=OutgoingEmail.Status.FAILED).count(),
        sent_more_than_once=emails.sent_more_than_once().count(),
    )


def erase_recipient(addresses: Iterable[str]) -> int:
    """Erase every email to these addresses: the address and what was written. Their
    status, dates and attempts stay, as anonymous counts. Returns how many."""
    erased = 0
    for address in {address.lower() for address in addresses if address}:
        emails = OutgoingEmail.objects.filter(recipient__iexact=address)
        # Nothing more goes to an erased person; what is in flight finishes as it is.
        emails.filter(status__in=[OutgoingEmail.Status.QUEUED, OutgoingEmail.Status.FAILED]).update(
            status=OutgoingEmail.Status.CANCELLED
        )
        erased += emails.update(
            recipient=ERASED_RECIPIENT, subject="", text="", html="", about="", note=""
        )
    return erased


def sent_to(address: str) -> list[dict]:
    """The emails sent or queued to an address, for its owner's copy of their data."""
    return [
        {
            "kind": str(composers.label_for(email["kind"])),
            "subject": email["subject"],
            "status": email["status"],
            "queued": email["created_at"].isoformat(),
            "sent": email["sent_at"].isoformat() if email["sent_at"] else None,
        }
        for email in OutgoingEmail.objects.filter(recipient__iexact=address)
        .order_by("created_at", "pk")
        .values("kind", "subject", "status", "created_at", "sent_at")
    ]

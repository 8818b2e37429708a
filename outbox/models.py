from __future__ import annotations

import uuid
from datetime import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutgoingEmailQuerySet(models.QuerySet):
    def due(self, now: datetime) -> OutgoingEmailQuerySet:
        """Queued emails whose time has come: never tried, or a retry that is due."""
        return self.filter(status=OutgoingEmail.Status.QUEUED).filter(
            models.Q(retry_after=None) | models.Q(retry_after__lte=now)
        )

    def lost(self, now: datetime, grace) -> OutgoingEmailQuerySet:
        """Due emails that no sender took up: their task was lost (the broker was down at
        the commit), or their retry came due while nothing was sending their batch."""
        return self.filter(status=OutgoingEmail.Status.QUEUED).filter(
            models.Q(retry_after=None, created_at__lte=now - grace) | models.Q(retry_after__lte=now)
        )

    def lease_expired(self, now: datetime) -> OutgoingEmailQuerySet:
        """Emails claimed by a sender that stopped before it finished with them."""
        return self.filter(status=OutgoingEmail.Status.SENDING, lease_until__lt=now)

    def sending_longer_than(self, now: datetime, expected) -> OutgoingEmailQuerySet:
        return self.filter(status=OutgoingEmail.Status.SENDING, claimed_at__lt=now - expected)

    def sent_more_than_once(self) -> OutgoingEmailQuerySet:
        """Emails that the server accepted twice, or that a sender may have sent before it
        stopped answering: their recipient may have two copies."""
        return self.filter(models.Q(sends__gt=1) | models.Q(interrupted__gt=0))


def failed_first() -> models.Case:
    """The order staff read the outbox in: failed emails first, as in the index below."""
    return models.Case(
        models.When(status="failed", then=models.Value(0)),
        default=models.Value(1),
        output_field=models.IntegerField(),
    )


class OutgoingEmail(models.Model):
    """One email to one recipient: sent once, retried until it is, or shown to staff as failed.

    A sender claims it with a lease (`claim`, `lease_until`), and only the holder of the
    lease may mark it sent. An email whose kind composes it when it is sent (a contact list,
    built from its snapshot) stores no body; any other stores its subject, text and HTML.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        CANCELLED = "cancelled", _("cancelled: no longer to be sent")
        SUPERSEDED = "superseded", _("replaced by a newer email before it was sent")

    kind = models.CharField(_("kind"), max_length=32)
    about = models.CharField(_("about"), max_length=255, blank=True)
    # Emails sent together by the same senders, over one connection: a contact list's
    # copies share one batch; an email on its own has a batch of its own.
    batch = models.CharField(_("batch"), max_length=64)
    recipient = models.EmailField(_("recipient"))
    subject = models.CharField(_("subject"), max_length=255, blank=True)
    text = models.TextField(_("text"), blank=True)
    html = models.TextField(_("HTML"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.QUEUED
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # How often the server accepted it; more than one is a duplicate, and staff see it.
    sends = models.PositiveSmallIntegerField(_("times sent"), default=0)
    # How often a sender stopped answering with it in flight: it may have gone out then.
    interrupted = models.PositiveSmallIntegerField(_("sends interrupted"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("queued"), auto_now_add=True)
    retry_after = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claim = models.UUIDField(_("claim"), null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    objects = OutgoingEmailQuerySet.as_manager()

    class Meta:
        verbose_name = _("outgoing email")
        verbose_name_plural = _("outgoing email")
        indexes = [
            models.Index(fields=["batch", "status"], name="outgoing_by_batch"),
            models.Index(
                failed_first(),
                models.F("created_at").desc(),
                models.F("id").desc(),
                name="outgoing_failed_first",
            ),
            # What the admin's front page counts for staff on every visit.
            models.Index(
                fields=["created_at"], condition=models.Q(status="failed"), name="outgoing_failed"
            ),
            models.Index(
                fields=["created_at"],
                condition=models.Q(sends__gt=1) | models.Q(interrupted__gt=0),
                name="outgoing_sent_twice",
            ),
            models.Index(
                fields=["status", "retry_after"],
                condition=models.Q(status__in=["queued", "sending"]),
                name="outgoing_unfinished",
            ),
        ]

    def __str__(self) -> str:
        return _("%(kind)s to %(recipient)s") % {"kind": self.kind, "recipient": self.recipient}

    @staticmethod
    def new_batch() -> str:
        return uuid.uuid4().hex

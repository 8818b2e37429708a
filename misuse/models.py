from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from diagnoses.models import DiagnosisGroup
from members.models import Membership, Person, language_choices
from outbox.models import OutgoingEmail


class MisuseReport(models.Model):
    """Someone's report that a contact list is being misused. The reporter is sent a
    receipt and nothing more: never what is done about a member."""

    class Status(models.TextChoices):
        NEW = "new", _("new")
        IN_PROGRESS = "in_progress", _("in progress")
        CLOSED = "closed", _("closed")

    group = models.ForeignKey(
        DiagnosisGroup,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diagnosis group"),
        help_text=_("Known when the report came through the link in the group's list email."),
    )
    group_as_typed = models.CharField(
        _("group, as the reporter wrote it"), max_length=200, blank=True
    )
    what_happened = models.TextField(_("what happened"))
    reporter_name = models.CharField(_("reporter's name"), max_length=200, blank=True)
    reporter_email = models.EmailField(_("reporter's email"))
    language = models.CharField(_("language"), max_length=8, choices=language_choices)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.NEW
    )
    received_at = models.DateTimeField(_("received"), auto_now_add=True)
    # Who the report is in the access log: no name, no address.
    pseudonym = models.UUIDField(_("pseudonym"), default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        verbose_name = _("report of misuse")
        verbose_name_plural = _("reports of misuse")
        ordering = ["-received_at"]

    def __str__(self) -> str:
        return _("Report %(number)s of %(date)s") % {
            "number": self.pk,
            "date": self.received_at.date() if self.received_at else "",
        }


class ReportEvent(models.Model):
    """The report's log: what staff did, when, and why."""

    class Action(models.TextChoices):
        RECEIVED = "received", _("received")
        STATUS = "status", _("status changed")
        NOTE = "note", _("note")
        SUSPENDED = "suspended", _("member suspended from the group's lists")
        LIFTED = "lifted", _("suspension lifted")

    report = models.ForeignKey(MisuseReport, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=16, choices=Action.choices)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("log")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return str(self.get_action_display())


class Suspension(models.Model):
    """A member taken off a group's list, and no longer sent it, because of a report."""

    report = models.ForeignKey(
        MisuseReport, on_delete=models.PROTECT, related_name="suspensions", verbose_name=_("report")
    )
    membership = models.ForeignKey(
        Membership, on_delete=models.CASCADE, related_name="+", verbose_name=_("membership")
    )
    started_at = models.DateTimeField(_("suspended"), auto_now_add=True)
    lifted_at = models.DateTimeField(_("lifted"), null=True, blank=True)
    notice = models.OneToOneField(
        OutgoingEmail, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lift_notice = models.OneToOneField(
        OutgoingEmail, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return str(self.membership)

    @property
    def person(self) -> Person | None:
        return self.membership.person

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from diagnoses.models import DiagnosisGroup
from members.models import Person
from outbox.models import OutgoingEmail

from .translated import text_in


class Mailing(models.Model):
    """An information mailing: a subject and a body per language, to everyone who consents
    to mailings, narrowed by group, country or language when staff choose."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SENDING = "sending", _("sending")
        SENT = "sent", _("sent")

    # {language: {"subject": ..., "body": ...}} (mailings/translated.py).
    texts = models.JSONField(_("texts"), default=dict, blank=True)
    groups = models.ManyToManyField(
        DiagnosisGroup,
        blank=True,
        related_name="+",
        verbose_name=_("only members of these groups"),
        help_text=_("Empty: members of any group, and members of none."),
    )
    countries = CountryField(
        _("only people in these countries"),
        multiple=True,
        blank=True,
        help_text=_("Empty: every country."),
    )
    languages = models.JSONField(
        _("only people who read these languages"),
        default=list,
        blank=True,
        help_text=_("Empty: every language."),
    )
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.DRAFT
    )
    created_at = models.DateTimeField(_("written"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("written by"),
    )
    send_started_at = models.DateTimeField(_("sending started"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("sent by"),
    )
    send_finished_at = models.DateTimeField(_("all queued"), null=True, blank=True)

    class Meta:
        verbose_name = _("information mailing")
        verbose_name_plural = _("information mailings")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.subject(settings.LANGUAGE_CODE) or str(_("(no subject yet)"))

    def subject(self, language: str) -> str:
        return text_in(self.texts, "subject", language)

    def body(self, language: str) -> str:
        return text_in(self.texts, "body", language)


class MailingRecipient(models.Model):
    """One person a mailing is for, fixed when staff send it. Each is handed to the outbox
    in turn, if they still consent then; the outbox then sends it and shows how that went."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting to be queued")
        QUEUED = "queued", _("handed to the outbox")
        SKIPPED = "skipped", _("not sent: consent withdrawn")

    mailing = models.ForeignKey(
        Mailing, on_delete=models.CASCADE, related_name="recipients", verbose_name=_("mailing")
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="mailings_received",
        verbose_name=_("recipient"),
    )
    state = models.CharField(_("state"), max_length=8, choices=State.choices, default=State.PENDING)
    email = models.OneToOneField(
        OutgoingEmail,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="mailing_recipient",
        verbose_name=_("email"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("mailing recipient")
        verbose_name_plural = _("mailing recipients")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["mailing", "person"], name="mailing_once_per_person"),
        ]
        indexes = [models.Index(fields=["mailing", "state"], name="mailing_recipient_state")]

    def __str__(self) -> str:
        return _("%(mailing)s to %(person)s") % {"mailing": self.mailing, "person": self.person}


class OnlineGroupStatus(models.Model):
    """Where a member stands with the network's closed online group, as staff record it
    (the group itself lives elsewhere, e.g. a secret Facebook group)."""

    class Status(models.TextChoices):
        INVITED = "invited", _("invited")
        JOINED = "joined", _("joined")
        DECLINED = "declined", _("declined")
        REMOVED = "removed", _("removed from the group")

    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, related_name="online_group", verbose_name=_("person")
    )
    status = models.CharField(_("status"), max_length=8, choices=Status.choices)
    invited_at = models.DateTimeField(_("last invited"), null=True, blank=True)
    invitations = models.PositiveSmallIntegerField(_("invitations sent"), default=0)
    joined_at = models.DateTimeField(_("joined"), null=True, blank=True)
    declined_at = models.DateTimeField(_("declined"), null=True, blank=True)
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    last_invitation = models.ForeignKey(
        OutgoingEmail,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("last invitation email"),
    )
    changed_at = models.DateTimeField(_("changed"), auto_now=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("changed by"),
    )

    class Meta:
        verbose_name = _("online group status")
        verbose_name_plural = _("online group statuses")

    def __str__(self) -> str:
        return f"{self.person}: {self.get_status_display()}"


class OnlineGroupMember(Person):
    """The people the online group concerns, for its own page in admin: everyone who
    consents to it, and everyone staff invited."""

    class Meta:
        proxy = True
        verbose_name = _("online group member")
        verbose_name_plural = _("online group")

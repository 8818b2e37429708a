from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from diagnoses.models import DiagnosisGroup
from members.models import Person
from outbox.models import OutgoingEmail


class GroupChangeQuerySet(models.QuerySet):
    def pending(self) -> GroupChangeQuerySet:
        return self.filter(handled_at=None)


class GroupChange(models.Model):
    """A change to a group that its members have not yet been sent.

    Written in the same transaction as the change itself, so that a change is never
    lost between the commit and the task that builds the list.
    """

    group = models.ForeignKey(
        DiagnosisGroup,
        on_delete=models.CASCADE,
        related_name="changes",
        verbose_name=_("diagnosis group"),
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    reason = models.CharField(_("reason"), max_length=20)
    created_at = models.DateTimeField(_("at"), auto_now_add=True, db_index=True)
    contact_list = models.ForeignKey(
        "ContactList",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="changes",
        verbose_name=_("sent in list"),
    )
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)

    objects = GroupChangeQuerySet.as_manager()

    class Meta:
        verbose_name = _("group change")
        verbose_name_plural = _("group changes")
        indexes = [
            models.Index(
                fields=["group"], condition=models.Q(handled_at=None), name="groupchange_pending"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.group}: {self.reason}"


class ContactList(models.Model):
    """One version of a group's contact list: who was in the group, with what they share."""

    group = models.ForeignKey(
        DiagnosisGroup,
        on_delete=models.CASCADE,
        related_name="contact_lists",
        verbose_name=_("diagnosis group"),
    )
    version = models.PositiveIntegerField(_("version"))
    created_at = models.DateTimeField(_("built"), auto_now_add=True)
    # [{"person_id", "full_name", "relationship", "birth_year", "address", "phone", "email",
    #   "is_new"}] sorted by name (see services.shared_entry); what a member does not share
    #   is empty (address None, phone and email "").
    entries = models.JSONField(_("entries"), default=list)

    class Meta:
        verbose_name = _("contact list")
        verbose_name_plural = _("contact lists")
        ordering = ["group", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "version"], name="contact_list_version_unique"
            ),
        ]

    def __str__(self) -> str:
        return _("%(group)s, version %(version)s") % {"group": self.group, "version": self.version}


class Delivery(models.Model):
    """One contact list version to one member: an email of the outbox, sent once, or for a
    member who receives lists by post a `Letter` in the print queue (and no email).

    Its sending (status, attempts, errors) is the outbox's; this row says which version
    went to which member, and that it goes to each member once.
    """

    contact_list = models.ForeignKey(
        ContactList,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("contact list"),
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("recipient")
    )
    is_welcome = models.BooleanField(_("welcome email"), default=False)
    # Empty for a delivery by post.
    email = models.OneToOneField(
        OutgoingEmail,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="delivery",
        verbose_name=_("email"),
    )

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["contact_list", "person"], name="delivery_once"),
        ]

    def __str__(self) -> str:
        return _("%(contact_list)s to %(person)s") % {
            "contact_list": self.contact_list,
            "person": self.person,
        }


class LetterQuerySet(models.QuerySet):
    def to_post(self) -> LetterQuerySet:
        """The print queue: letters neither posted nor replaced by a newer version."""
        return self.filter(posted_at=None, superseded_at=None)


class Letter(models.Model):
    """A contact list version on paper, for a member who receives lists by post: waiting in
    the print queue until staff post it. The PDF is made when staff download it, from the
    version's stored entries (`letters.letters_pdf`), so no copy of the list is kept."""

    delivery = models.OneToOneField(
        Delivery, on_delete=models.CASCADE, related_name="letter", verbose_name=_("delivery")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    posted_at = models.DateTimeField(_("posted"), null=True, blank=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("posted by"),
    )
    # A newer version was built before this one was posted: it carries people who may
    # have left since, and the newer letter replaces it.
    superseded_at = models.DateTimeField(_("replaced by a newer version"), null=True, blank=True)

    objects = LetterQuerySet.as_manager()

    class Meta:
        verbose_name = _("letter to post")
        verbose_name_plural = _("letters to post")
        ordering = ["-created_at", "pk"]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(posted_at=None, superseded_at=None),
                name="letter_to_post",
            ),
        ]

    def __str__(self) -> str:
        return str(self.delivery)

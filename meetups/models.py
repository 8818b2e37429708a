from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from mailings.translated import text_in
from members.models import Person
from outbox.models import OutgoingEmail

# How many adults and children one registration may bring: a family, not a coach.
MAX_ADULTS = 10
MAX_CHILDREN = 10


class Event(models.Model):
    """A meetup, such as the yearly Sjældne-træf. Its capacity counts people (adults and
    children alike): what the venue can seat."""

    # {language: {"title": ..., "description": ..., "price_note": ...}} (mailings/translated.py).
    texts = models.JSONField(_("texts"), default=dict, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    place = models.CharField(_("place"), max_length=255)
    capacity = models.PositiveIntegerField(
        _("capacity"), help_text=_("How many people (adults and children) the venue takes.")
    )
    registration_deadline = models.DateTimeField(
        _("registration deadline"),
        help_text=_("Until then members can register, change or cancel through their link."),
    )
    reminder_days = models.PositiveSmallIntegerField(
        _("reminder, days before"),
        default=7,
        help_text=_(
            "Everyone registered is reminded this many days before the meetup; 0: no reminder."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("meetup")
        verbose_name_plural = _("meetups")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="meetup_has_room"),
        ]

    def __str__(self) -> str:
        title = self.title(settings.LANGUAGE_CODE) or str(_("Meetup"))
        return f"{title} ({self.starts_at:%Y-%m-%d})"

    def title(self, language: str) -> str:
        return text_in(self.texts, "title", language)

    def description(self, language: str) -> str:
        return text_in(self.texts, "description", language)

    def price_note(self, language: str) -> str:
        return text_in(self.texts, "price_note", language)


class RegistrationQuerySet(models.QuerySet):
    def confirmed(self) -> RegistrationQuerySet:
        return self.filter(status=Registration.Status.CONFIRMED)

    def waiting(self) -> RegistrationQuerySet:
        """The waiting list, first in line first."""
        return self.filter(status=Registration.Status.WAITING).order_by("waiting_since", "pk")


class Registration(models.Model):
    """One member's invitation to a meetup and their answer: who comes, and what they need.
    Made when they are invited; their signed link reaches it (meetups/links.py)."""

    class Status(models.TextChoices):
        INVITED = "invited", _("invited, no answer yet")
        CONFIRMED = "confirmed", _("registered")
        WAITING = "waiting", _("on the waiting list")
        CANCELLED = "cancelled", _("cancelled")

    event = models.ForeignKey(
        Event, on_delete=models.CASCADE, related_name="registrations", verbose_name=_("meetup")
    )
    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="meetup_registrations",
        verbose_name=_("person"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.INVITED
    )
    adults = models.PositiveSmallIntegerField(_("adults"), default=0)
    children = models.PositiveSmallIntegerField(_("children"), default=0)
    dietary_needs = models.TextField(_("dietary needs"), blank=True)
    accessibility_needs = models.TextField(_("accessibility needs"), blank=True)
    note = models.TextField(_("note"), blank=True)
    invited_at = models.DateTimeField(_("invited"), auto_now_add=True)
    answered_at = models.DateTimeField(_("last answered"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("registered"), null=True, blank=True)
    # The place in the waiting list: the time the member joined it.
    waiting_since = models.DateTimeField(_("waiting since"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    # In the link's signature: asking for a new link ends the old ones.
    link_version = models.PositiveIntegerField(_("link version"), default=1, editable=False)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("meetup registration")
        verbose_name_plural = _("meetup registrations")
        ordering = ["event", "person__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["event", "person"], name="one_registration_per_meetup"),
            models.CheckConstraint(
                condition=models.Q(adults__lte=MAX_ADULTS, children__lte=MAX_CHILDREN),
                name="registration_party_bounded",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["confirmed", "waiting"])
                | models.Q(adults__gte=1)
                | models.Q(children__gte=1),
                name="registration_brings_someone",
            ),
        ]
        indexes = [models.Index(fields=["event", "status"], name="registration_by_status")]

    def __str__(self) -> str:
        return _("%(person)s at %(event)s") % {"person": self.person, "event": self.event}

    @property
    def people(self) -> int:
        return self.adults + self.children


class RegistrationEmail(models.Model):
    """An email about a registration (invitation, confirmation, waiting list, moved up,
    reminder, new link), written when the outbox sends it, so that it carries a live link
    that no one stores."""

    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="emails",
        verbose_name=_("registration"),
    )
    email = models.OneToOneField(
        OutgoingEmail,
        on_delete=models.CASCADE,
        related_name="meetup_email",
        verbose_name=_("email"),
    )
    template = models.CharField(_("email"), max_length=40)

    class Meta:
        verbose_name = _("meetup email")
        verbose_name_plural = _("meetup emails")

    def __str__(self) -> str:
        return f"{self.template}: {self.registration}"

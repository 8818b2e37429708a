from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence

from django.conf import settings
from django.db import models
from django.db.models.functions import Coalesce, Lower
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from phonenumber_field.modelfields import PhoneNumberField

from diagnoses.models import Association, Diagnosis, DiagnosisGroup
from outbox.models import OutgoingEmail

from .consents import ConsentKind, ConsentSource


def default_language() -> str:
    """The network's default language, read when a record is made, not frozen into a
    migration: a sibling network sets LANGUAGE_CODE and its members get its language."""
    return settings.LANGUAGE_CODE


def language_choices() -> Sequence[tuple[str, str | Promise]]:
    return settings.LANGUAGES


def new_link_token() -> str:
    """The random part of a link emailed to an applicant (signed, in the link): 256 bits,
    so that a link names nothing that can be guessed or counted, as an id can."""
    return secrets.token_urlsafe(32)


class Relationship(models.TextChoices):
    PATIENT = "patient", _("has the diagnosis")
    PARENT = "parent", _("parent")
    RELATIVE = "relative", _("other close relative")
    GUARDIAN = "guardian", _("guardian")


class ContactDetails(models.Model):
    """The details that members share with their group: on applications and people alike."""

    full_name = models.CharField(_("full name"), max_length=200)
    relationship = models.CharField(
        _("relationship to the diagnosis"), max_length=16, choices=Relationship.choices
    )
    birth_year = models.PositiveSmallIntegerField(
        _("birth year of the person with the diagnosis"),
        null=True,
        blank=True,
    )
    street_address = models.CharField(_("street address"), max_length=200)
    postal_code = models.CharField(_("postal code"), max_length=16)
    city = models.CharField(_("town or city"), max_length=100)
    country = CountryField(_("country"))
    phone = PhoneNumberField(_("phone"))
    email = models.EmailField(_("email"))
    language = models.CharField(
        _("language"), max_length=8, choices=language_choices, default=default_language
    )

    FIELDS = (
        "full_name",
        "relationship",
        "birth_year",
        "street_address",
        "postal_code",
        "city",
        "country",
        "phone",
        "email",
        "language",
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.full_name


class ApplicationQuerySet(models.QuerySet):
    def awaiting_review(self) -> ApplicationQuerySet:
        return self.filter(status=Application.Status.AWAITING_REVIEW).order_by("confirmed_at", "pk")


class Application(ContactDetails):
    """A request to join the network for one diagnosis."""

    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", _("email not yet confirmed")
        AWAITING_REVIEW = "awaiting_review", _("awaiting review")
        AWAITING_INFORMATION = "awaiting_information", _("waiting for the applicant's answer")
        APPROVED = "approved", _("approved")
        REFERRED = "referred", _("referred to an association")
        REJECTED = "rejected", _("rejected")
        CLOSED = "closed", _("closed: no answer from the applicant")

    OPEN_STATUSES = (Status.UNCONFIRMED, Status.AWAITING_REVIEW, Status.AWAITING_INFORMATION)

    diagnosis = models.ForeignKey(
        Diagnosis,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("diagnosis from the catalogue"),
    )
    diagnosis_text = models.CharField(_("diagnosis as typed"), max_length=255, blank=True)
    note = models.TextField(_("note to the secretariat"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.UNCONFIRMED
    )
    submitted_at = models.DateTimeField(_("submitted"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("email confirmed"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_reason = models.TextField(_("reason given"), blank=True)
    person = models.ForeignKey(
        "Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("person"),
    )
    group = models.ForeignKey(
        DiagnosisGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="applications",
        verbose_name=_("diagnosis group"),
    )
    referred_to = models.ForeignKey(
        Association,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="referrals",
        verbose_name=_("referred to"),
    )
    # Who applied, in the access log, which outlives the application; a person approved
    # from it takes it on, so that the log follows one person from application to erasure.
    pseudonym = models.UUIDField(_("pseudonym"), default=uuid.uuid4, unique=True, editable=False)
    # What the links emailed to the applicant name, signed (members/services.py): the one
    # that confirms the email address, and the one that answers a question.
    link_token = models.CharField(
        _("link token"),
        max_length=64,
        default=new_link_token,
        unique=True,
        editable=False,
    )

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-submitted_at"]
        # For the lists staff page through and the checks on each application (the
        # database-specific ones, for searches that ignore case, are in migration 0014).
        indexes = [
            models.Index(fields=["-submitted_at", "-id"], name="application_by_submitted"),
            models.Index(fields=["status", "confirmed_at", "id"], name="application_by_status"),
            models.Index(fields=["phone"], name="application_by_phone"),
            models.Index(fields=["country"], name="application_by_country"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(diagnosis__isnull=False) | ~models.Q(diagnosis_text=""),
                name="application_names_a_diagnosis",
            ),
            models.UniqueConstraint(
                Lower("email"),
                "diagnosis",
                condition=models.Q(
                    status__in=["unconfirmed", "awaiting_review", "awaiting_information"]
                ),
                name="one_open_application_per_email_and_diagnosis",
            ),
        ]

    @property
    def diagnosis_label(self) -> str:
        if self.diagnosis:
            return str(self.diagnosis)
        return self.diagnosis_text


class ReviewQueue(Application):
    """The confirmed applications waiting for a decision, oldest first (for the admin)."""

    class Meta:
        proxy = True
        verbose_name = _("application awaiting review")
        verbose_name_plural = _("review queue")


class ApplicationEvent(models.Model):
    """The log of what happened to an application: who, when, what, why.

    An event that tells the applicant points to its email in the outbox, which sends it
    and shows whether it was sent.
    """

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("submitted")
        CONFIRMED = "confirmed", _("email confirmed")
        APPROVED = "approved", _("approved")
        REFERRED = "referred", _("referred to an association")
        REJECTED = "rejected", _("rejected")
        INFORMATION_REQUESTED = "information_requested", _("asked for more information")
        INFORMATION_RECEIVED = "information_received", _("applicant answered")
        CONSULTANT_ASKED = "consultant_asked", _("asked the medical consultant")
        CONSULTANT_ANSWERED = "consultant_answered", _("medical consultant answered")
        # By retention, when the applicant has not answered (members/retention.py).
        CLOSED = "closed", _("closed: no answer from the applicant")
        # Someone sent the form again with the same email address for the same diagnosis.
        APPLIED_AGAIN = "applied_again", _("applied again with the same email address")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=24, choices=Action.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)
    email = models.OneToOneField(
        OutgoingEmail,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="application_event",
        verbose_name=_("email"),
    )

    class Meta:
        verbose_name = _("application event")
        verbose_name_plural = _("application events")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        # In the network's time, as the admin shows every other time (TIME_ZONE), not UTC.
        when = date_format(timezone.localtime(self.at), "SHORT_DATETIME_FORMAT")
        return f"{self.get_action_display()} {when}"


class ConsentState(models.TextChoices):
    """Where a person stands on one consent, by their latest record of it."""

    GIVEN = "given", _("given")
    WITHDRAWN = "withdrawn", _("withdrawn")
    NEVER = "never", _("never given")


class PersonQuerySet(models.QuerySet):
    def with_consent(self, kind: str, state: str = ConsentState.GIVEN) -> PersonQuerySet:
        """People whose latest record of consent `kind` is in `state`: given, withdrawn
        after it was given, or never given (no record, or only "not given" ones). Read
        from the records marked current, an index of a few entries per person."""
        current = Consent.objects.filter(kind=kind, is_current=True)
        if state == ConsentState.GIVEN:
            return self.filter(pk__in=current.filter(given=True).values("person"))
        ever_given = Consent.objects.filter(kind=kind, given=True).values("person")
        if state == ConsentState.WITHDRAWN:
            return self.filter(pk__in=current.filter(given=False).values("person")).filter(
                pk__in=ever_given
            )
        return self.exclude(pk__in=ever_given)

    def in_group(self, group: DiagnosisGroup) -> PersonQuerySet:
        """The group's list: people with a membership of it that has not ended and is not
        suspended from the lists."""
        return self.filter(
            pk__in=Membership.objects.on_lists().filter(group=group).values("person")
        )


class Person(ContactDetails):
    """A member of the network: one per confirmed email address."""

    # What the person lets the group see: name and email always, the rest as they choose.
    # The birth year only when they choose to: the sharing consent does not name it.
    share_address = models.BooleanField(_("share postal address"), default=True)
    share_phone = models.BooleanField(_("share phone"), default=True)
    share_relationship = models.BooleanField(_("share relationship to the diagnosis"), default=True)
    share_birth_year = models.BooleanField(_("share birth year"), default=False)
    # The network's practice before email, for members (often older relatives) who read
    # no email: each new version of their groups' lists is printed and posted instead.
    receives_lists_by_post = models.BooleanField(
        _("receives lists by post"),
        default=False,
        help_text=_(
            "Each new version of the member's group lists is put in the print queue "
            "(Letters to post) instead of being emailed."
        ),
    )
    # A sign-in link is good until the member next signs in (single use): see selfservice.
    last_signed_in_at = models.DateTimeField(_("last signed in"), null=True, blank=True)
    # Who the person is in the access log, which outlives them: no name, no contact detail.
    pseudonym = models.UUIDField(_("pseudonym"), default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(_("member since"), auto_now_add=True)
    details_changed_at = models.DateTimeField(_("details last changed"), null=True, blank=True)
    details_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("details last changed by"),
        help_text=_("Empty when the member changed them."),
    )

    # Members the network knew before it had this app may have no email address (brought
    # in by the import, with a postal address instead); everyone who applies gives one.
    email = models.EmailField(_("email"), blank=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name"]
        indexes = [
            models.Index(fields=["full_name", "-id"], name="person_by_name"),
            models.Index(fields=["phone"], name="person_by_phone"),
            models.Index(fields=["country"], name="person_by_country"),
        ]
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=~models.Q(email=""), name="person_email_unique"
            ),
        ]


def active_membership(through: str = "") -> models.Q:
    """A membership that has not ended, reached `through` a relation ("memberships__")."""
    return models.Q(**{f"{through}left_at": None})


def memberships_per_group(memberships: models.QuerySet) -> Coalesce:
    """How many of these memberships each group has, for annotating groups (the queryset
    filtered on group=OuterRef("pk")): a subquery, 0 where there are none, that unlike a
    Count over the join can be filtered, grouped and counted again in the same query."""
    counted = memberships.order_by().values("group").annotate(n=models.Count("pk")).values("n")
    return Coalesce(models.Subquery(counted, output_field=models.IntegerField()), models.Value(0))


class MembershipQuerySet(models.QuerySet):
    def active(self) -> MembershipQuerySet:
        return self.filter(active_membership())

    def on_lists(self) -> MembershipQuerySet:
        """Memberships whose member is on the group's list and receives it: not ended,
        and not suspended after a report of misuse."""
        return self.active().filter(suspended_at=None)


class Membership(models.Model):
    """A person's membership of a diagnosis group. When the person is erased, their ended
    memberships stay without them: anonymous counts of who joined and left, and when."""

    person = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("person"),
    )
    group = models.ForeignKey(
        DiagnosisGroup,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("diagnosis group"),
    )
    application = models.ForeignKey(
        Application,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("application"),
    )
    joined_at = models.DateTimeField(_("joined"), auto_now_add=True)
    left_at = models.DateTimeField(_("left"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ended by"),
        help_text=_("Empty when the member left by themselves."),
    )
    # While suspended after a report of misuse, the member is neither on the group's list
    # nor sent it; they stay a member, and lifting the suspension puts them back.
    suspended_at = models.DateTimeField(_("suspended from the lists"), null=True, blank=True)
    suspended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("suspended by"),
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        indexes = [
            # Counting a group's members, and building its list, reads only these.
            models.Index(
                fields=["group"], condition=models.Q(left_at=None), name="membership_active"
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "group"],
                condition=models.Q(left_at=None),
                name="one_active_membership_per_group",
            ),
        ]

    def __str__(self) -> str:
        person = self.person or _("an erased member")
        return _("%(person)s in %(group)s") % {"person": person, "group": self.group}


class Consent(models.Model):
    """One consent, given or not, with the version of the text the person saw."""

    kind = models.CharField(_("consent"), max_length=32, choices=ConsentKind.choices)
    version = models.CharField(_("text version"), max_length=16)
    given = models.BooleanField(_("given"))
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)
    # How a consent given before the network had this app reached it (the import): on
    # paper or by email, and when. Empty for a consent given in the network's own pages,
    # where `recorded_at` is when it was given.
    source = models.CharField(
        _("how given"), max_length=8, choices=ConsentSource.choices, blank=True, default=""
    )
    given_on = models.DateField(_("given on"), null=True, blank=True)
    # The person's latest record of this consent, where they stand on it now: kept by
    # members.services.record_consents, so that "who consents" is read from an index and
    # not worked out, record by record, for each of a million people.
    is_current = models.BooleanField(_("current"), default=False, editable=False)
    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, null=True, blank=True, related_name="consents"
    )
    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="consents"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
        help_text=_("Empty when the person gave or withdrew it themselves."),
    )

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["recorded_at", "pk"]
        # Where a person stands on a consent is their latest record of it: one probe.
        indexes = [
            models.Index(fields=["person", "kind", "-recorded_at", "-id"], name="consent_latest"),
            models.Index(
                fields=["kind", "given", "person"],
                condition=models.Q(is_current=True),
                name="consent_current",
            ),
        ]

    def __str__(self) -> str:
        state = _("given") if self.given else _("not given")
        return f"{self.get_kind_display()} ({self.version}): {state}"


class Consultation(models.Model):
    """A question to the medical consultant about one application, and the answer.

    The anonymised case is copied here when staff ask, so that what the consultant sees
    is read from this row alone: the catalogue entry, an age band and (for a diagnosis
    that enough people share) the country; never a name, contact detail, or anything the
    applicant wrote, not even the diagnosis as they typed it (members/consultations.py).
    """

    application = models.ForeignKey(
        Application,
        on_delete=models.CASCADE,
        related_name="consultations",
        verbose_name=_("application"),
    )
    diagnosis = models.ForeignKey(
        Diagnosis,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("diagnosis from the catalogue"),
    )
    age_band = models.CharField(_("age band"), max_length=16, blank=True)
    country = CountryField(
        _("country"),
        blank=True,
        help_text=_(
            "Left out when so few people with the diagnosis are known to the network that "
            "the country could point to one of them."
        ),
    )
    question = models.TextField(_("question"))
    asked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("asked by"),
    )
    asked_at = models.DateTimeField(_("asked"), auto_now_add=True)
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-asked_at", "-pk"]

    def __str__(self) -> str:
        return _("Case %(number)s") % {"number": self.pk}

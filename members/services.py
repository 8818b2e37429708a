"""The rules of joining the network: applying, confirming, and the secretariat's decisions.

Every decision tells the applicant by email, in their language. The email is drafted from a
template (`decision_email`), staff may edit it, and the decision sends it as they left it.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import User
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accesslog import services as accesslog
from diagnoses.learning import propose_typed_name
from diagnoses.models import Association, Diagnosis, DiagnosisGroup
from outbox import services as outbox
from outbox.models import OutgoingEmail

from . import emails
from .consents import CONSENT_TEXTS, ConsentKind
from .models import (
    Application,
    ApplicationEvent,
    Consent,
    ContactDetails,
    Membership,
    Person,
    default_language,
)
from .signals import MembershipChange, membership_changed

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

CONFIRMATION_SALT = "members.application.confirm"
INFORMATION_SALT = "members.application.information"


class ApplicationRefused(Exception):
    """The application cannot go ahead; the message says why, kindly, to the applicant."""


class AlreadyApplied(ApplicationRefused):
    """The same email address has an application for this diagnosis already: nothing new is
    recorded. The visitor is answered as for a new application (whether an address has
    applied is nobody's business but its owner's), and the owner has been told by email."""

    def __init__(self, application: Application):
        super().__init__(_("We already have this application."))
        self.application = application


class DecisionNotAllowed(Exception):
    """A decision that does not fit the application's current state."""


@dataclass
class ApplicantDetails:
    full_name: str
    relationship: str
    street_address: str
    postal_code: str
    city: str
    country: str
    phone: object
    email: str
    birth_year: int | None = None
    diagnosis: Diagnosis | None = None
    diagnosis_text: str = ""
    note: str = ""
    language: str = dataclasses.field(default_factory=default_language)


def existing_application_for(
    email: str, diagnosis: Diagnosis | None, diagnosis_text: str
) -> Application | None:
    """An open, approved or referred application by the same email for the same diagnosis;
    one rejected, or closed for want of an answer, does not stand in the way of a new one."""
    applications = Application.objects.filter(email__iexact=email).exclude(
        status__in=[Application.Status.REJECTED, Application.Status.CLOSED]
    )
    if diagnosis is not None:
        applications = applications.filter(diagnosis=diagnosis)
    else:
        applications = applications.filter(
            diagnosis__isnull=True, diagnosis_text__iexact=diagnosis_text.strip()
        )
    return applications.first()


def submit_application(details: ApplicantDetails, consents: dict[str, bool]) -> Application:
    """Record an application with the consents exactly as given, and send the link that
    confirms the email address. Only a confirmed application reaches the review queue.

    The required consents must be given. A second application by the same email for the
    same diagnosis is not recorded (`AlreadyApplied`): the first one's log notes the
    attempt, for staff, and the owner of the address is told (`applied_again`).
    """
    missing = [
        kind for kind, text in CONSENT_TEXTS.items() if text.required and not consents.get(kind)
    ]
    if missing:
        raise ApplicationRefused(_("The network cannot add you without the required consents."))
    details.email = details.email.strip()
    existing = existing_application_for(details.email, details.diagnosis, details.diagnosis_text)
    if existing is not None:
        applied_again(existing)
        raise AlreadyApplied(existing)
    try:
        with transaction.atomic():
            application = Application.objects.create(**vars(details))
            Consent.objects.bulk_create(
                Consent(
                    application=application,
                    kind=kind,
                    version=text.version,
                    given=bool(consents.get(kind)),
                )
                for kind, text in CONSENT_TEXTS.items()
            )
            record_event(
                application,
                ApplicationEvent.Action.SUBMITTED,
                email=emails.render(
                    "application_confirm",
                    {"application": application, "confirm_url": confirmation_url(application)},
                    application.language,
                ),
            )
    except IntegrityError as exc:
        # Two submissions of the same form at the same moment: the database kept one.
        existing = existing_application_for(
            details.email, details.diagnosis, details.diagnosis_text
        )
        if existing is None:
            raise
        raise AlreadyApplied(existing) from exc
    return application


# The outbox kind of the email that tells the owner of an address that it was used to
# apply again.
APPLIED_AGAIN_EMAIL = "applied_again"


def applied_again(application: Application) -> ApplicationEvent:
    """Someone sent the form again with the application's email address, for its diagnosis.
    The application's log notes it, and the owner of the address is told by email (with a
    fresh link to confirm it, while it is not confirmed), at most once in
    NETWORK_APPLIED_AGAIN_EMAIL_HOURS: a form sent over and over must not become a way
    to flood someone's inbox.

    The outbox is what says whether the owner was told lately: its rows of this kind keep
    recipient and time (retention blanks only their text), and they go with the application.
    """
    hours = settings.NETWORK_APPLIED_AGAIN_EMAIL_HOURS
    with transaction.atomic():
        # One attempt at a time per application, so that two at once send one email.
        application = Application.objects.select_for_update().get(pk=application.pk)
        told_lately = OutgoingEmail.objects.filter(
            kind=APPLIED_AGAIN_EMAIL,
            recipient__iexact=application.email,
            created_at__gte=timezone.now() - timedelta(hours=hours),
        ).exists()
        if told_lately:
            return record_event(
                application,
                ApplicationEvent.Action.APPLIED_AGAIN,
                note=_("Not told by email: they were told less than %(hours)d hours ago.")
                % {"hours": hours},
            )
        context: dict[str, object] = {"application": application}
        if application.status == Application.Status.UNCONFIRMED:
            context["confirm_url"] = confirmation_url(application)
        return record_event(
            application,
            ApplicationEvent.Action.APPLIED_AGAIN,
            email=emails.render("application_applied_again", context, application.language),
            kind=APPLIED_AGAIN_EMAIL,
        )


def confirmation_url(application: Application) -> str:
    """The link that confirms the application's email address. It names the application's
    random link token, signed with the time, never its id."""
    token = signing.dumps(application.link_token, salt=CONFIRMATION_SALT)
    with translation.override(application.language):
        return settings.NETWORK_SITE_URL + reverse("members:confirm", args=[token])


def application_for_token(token: str) -> Application:
    """The application a confirmation link belongs to; raises signing.BadSignature
    (or its subclass SignatureExpired) for a link that is forged or too old."""
    link_token = signing.loads(
        token, salt=CONFIRMATION_SALT, max_age=settings.NETWORK_CONFIRMATION_MAX_AGE
    )
    if not isinstance(link_token, str) or not link_token:
        # Signed by the network, but not a link token: an old link that named the id.
        raise signing.BadSignature("not a link token")
    return Application.objects.get(link_token=link_token)


def confirm_email(application: Application) -> bool:
    """Put the application in the review queue. Confirming twice changes nothing;
    returns whether this call confirmed it."""
    with transaction.atomic():
        confirmed = Application.objects.filter(
            pk=application.pk, status=Application.Status.UNCONFIRMED
        ).update(status=Application.Status.AWAITING_REVIEW, confirmed_at=timezone.now())
        if confirmed:
            record_event(application, ApplicationEvent.Action.CONFIRMED)
    application.refresh_from_db()
    return bool(confirmed)


FREE_TEXT_NEEDS_GROUP = _("The diagnosis was typed as free text: choose the group to approve into.")


def has_its_own_association(group: DiagnosisGroup) -> str:
    """Why nobody new joins a group that founded its own association: they are referred to
    it instead."""
    return _(
        "%(group)s has its own association, %(association)s, and admits no one new: refer "
        "the applicant to it."
    ) % {"group": group, "association": group.association}


def group_for(application: Application, *, create: bool = True) -> DiagnosisGroup:
    """The group that covers the application's catalogue diagnosis; when none does, one
    named after the diagnosis (created, or with `create=False` only described, as when
    drafting the email before the decision)."""
    if application.diagnosis is None:
        raise DecisionNotAllowed(FREE_TEXT_NEEDS_GROUP)
    group = DiagnosisGroup.objects.covering(application.diagnosis).order_by("pk").first()
    if group is None and not create:
        return DiagnosisGroup(name=application.diagnosis.name)
    if group is None:
        group, _created = DiagnosisGroup.objects.get_or_create(name=application.diagnosis.name)
        group.diagnoses.add(application.diagnosis)
    return group


def decision_email(application: Application, decision: str, **context) -> emails.Draft:
    """The templated email for a decision, in the applicant's language, for staff to edit.

    `decision` is an ApplicationEvent action: approved, referred, rejected or
    information_requested; `context` holds what the template needs (group, association,
    reason, question).
    """
    if decision == ApplicationEvent.Action.INFORMATION_REQUESTED:
        number = context.get("question_number") or next_question_number(application)
        context["answer_url"] = information_url(application, number)
    return emails.draft(
        f"application_{decision}", {"application": application, **context}, application.language
    )


def _awaiting_review(application: Application, decision: StrOrPromise) -> Application:
    """The application, locked for the decision; refused unless it waits for one."""
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != Application.Status.AWAITING_REVIEW:
        raise DecisionNotAllowed(
            _("Only an application awaiting review can be %(decision)s; this one is “%(status)s”.")
            % {"decision": decision, "status": application.get_status_display()}
        )
    return application


def _record_decision(
    application: Application,
    action: str,
    by: User,
    note: str,
    email: emails.Draft | None,
    **context,
) -> None:
    """Log the decision and tell the applicant: with the email staff edited, or else
    with its template as drafted for them."""
    email = email or decision_email(application, action, **context)
    record_event(
        application, action, by=by, note=note, email=emails.from_draft(email, application.language)
    )


def _decided(application: Application, status: str, by: User, **fields) -> None:
    accesslog.record(
        by, accesslog.Action.CHANGED, "application", application.pseudonym, ["status", *fields]
    )
    for field, value in {
        "status": status,
        "decided_at": timezone.now(),
        "decided_by": by,
        **fields,
    }.items():
        setattr(application, field, value)
    application.save(update_fields=["status", "decided_at", "decided_by", *fields])


def approve_application(
    application: Application,
    group: DiagnosisGroup | None = None,
    *,
    by: User,
    email: emails.Draft | None = None,
) -> Membership:
    """Admit the applicant into a diagnosis group: into `group`, or else the group that
    covers the application's diagnosis (created from it when there is none).

    The person is reused when one with the same email exists. The applicant is sent
    `email` (the templated welcome if none is given). The group's contact list is rebuilt
    and sent after the commit; the new member's copy carries the list itself.
    """
    with transaction.atomic():
        application = _awaiting_review(application, _("approved"))
        group = group or group_for(application)
        if group.status == DiagnosisGroup.Status.CLOSED:
            raise DecisionNotAllowed(_("%(group)s is closed to new members.") % {"group": group})
        if group.status == DiagnosisGroup.Status.HAS_ASSOCIATION:
            raise DecisionNotAllowed(has_its_own_association(group))
        person = Person.objects.filter(email__iexact=application.email).first()
        if person is None:
            person = Person.objects.create(
                pseudonym=application.pseudonym,
                **{field: getattr(application, field) for field in ContactDetails.FIELDS},
            )
            consents = application.consents.all()
            record_consents(
                Consent(person=person, kind=c.kind, version=c.version, given=c.given)
                for c in consents
            )
            _apply_sharing_consent(person)
        if Membership.objects.active().filter(person=person, group=group).exists():
            raise DecisionNotAllowed(
                _("%(person)s is already a member of %(group)s.")
                % {"person": person, "group": group}
            )
        membership = Membership.objects.create(person=person, group=group, application=application)
        _decided(application, Application.Status.APPROVED, by, person=person, group=group)
        propose_typed_name(
            application.diagnosis_text,
            application.language,
            application.diagnosis,
            group.diagnoses.all(),
        )
        _record_decision(
            application, ApplicationEvent.Action.APPROVED, by, str(group), email, group=group
        )
        membership_changed.send(
            sender=Membership,
            group_id=group.pk,
            person_id=person.pk,
            reason=MembershipChange.JOINED,
        )
    return membership


def approve_into_new_group(
    application: Application,
    name: str,
    diagnoses: list[Diagnosis],
    *,
    by: User,
    email: emails.Draft | None = None,
) -> Membership:
    """Found a diagnosis group for the applicant's diagnosis and admit them as its first member."""
    if not diagnoses:
        raise DecisionNotAllowed(_("Choose the diagnoses the new group covers."))
    with transaction.atomic():
        if DiagnosisGroup.objects.filter(name__iexact=name.strip()).exists():
            raise DecisionNotAllowed(
                _("A group named “%(name)s” exists already: approve into it instead.")
                % {"name": name}
            )
        group = DiagnosisGroup.objects.create(name=name.strip())
        group.diagnoses.set(diagnoses)
        return approve_application(application, group, by=by, email=email)


def refer_application(
    application: Application,
    association: Association,
    *,
    by: User,
    email: emails.Draft | None = None,
) -> None:
    """Point the applicant to the patient association for their diagnosis, with its
    contact details: the network's rule where a relevant association exists."""
    with transaction.atomic():
        application = _awaiting_review(application, _("referred"))
        _decided(application, Application.Status.REFERRED, by, referred_to=association)
        propose_typed_name(
            application.diagnosis_text,
            application.language,
            application.diagnosis,
            association.diagnoses.all(),
        )
        _record_decision(
            application,
            ApplicationEvent.Action.REFERRED,
            by,
            association.name,
            email,
            association=association,
        )


def reject_application(
    application: Application,
    reason: str,
    *,
    by: User,
    email: emails.Draft | None = None,
) -> None:
    """Turn the application down, telling the applicant why."""
    if not reason.strip():
        raise DecisionNotAllowed(_("Give the applicant a reason."))
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if application.status not in Application.OPEN_STATUSES:
            raise DecisionNotAllowed(_("This application has already been decided."))
        _decided(application, Application.Status.REJECTED, by, decision_reason=reason)
        _record_decision(
            application, ApplicationEvent.Action.REJECTED, by, reason, email, reason=reason
        )


def request_information(
    application: Application,
    question: str,
    *,
    by: User,
    email: emails.Draft | None = None,
) -> None:
    """Ask the applicant a question. The application waits for the answer, which the
    applicant gives through a signed link, and then returns to the queue in its old place."""
    if not question.strip():
        raise DecisionNotAllowed(_("Write the question to the applicant."))
    with transaction.atomic():
        application = _awaiting_review(application, _("asked for more information"))
        application.status = Application.Status.AWAITING_INFORMATION
        application.save(update_fields=["status"])
        accesslog.record(
            by, accesslog.Action.CHANGED, "application", application.pseudonym, ["status"]
        )
        _record_decision(
            application,
            ApplicationEvent.Action.INFORMATION_REQUESTED,
            by,
            question,
            email,
            question=question,
        )


def questions_asked(application: Application) -> int:
    """How many questions the secretariat has asked the applicant."""
    return application.events.filter(action=ApplicationEvent.Action.INFORMATION_REQUESTED).count()


def next_question_number(application: Application) -> int:
    return questions_asked(application) + 1


def information_url(application: Application, question_number: int) -> str:
    """The applicant's link to answer the secretariat's question number `question_number`
    (the first is 1), in their language whoever on the staff asks. It names the
    application's random link token and the question, signed with the time; it answers
    that question only, and only while it is the latest and waits for its answer."""
    token = signing.dumps([application.link_token, question_number], salt=INFORMATION_SALT)
    with translation.override(application.language):
        return settings.NETWORK_SITE_URL + reverse("members:answer", args=[token])


def question_for_token(token: str) -> tuple[Application, int]:
    """The application and question number an answer link names; raises
    signing.BadSignature for a link that is forged, too old, or of the old kind that named
    the application's id, and Application.DoesNotExist once the application is gone."""
    payload = signing.loads(
        token, salt=INFORMATION_SALT, max_age=settings.NETWORK_CONFIRMATION_MAX_AGE
    )
    match payload:
        case [str(link_token), int(number)] if link_token:
            return Application.objects.get(link_token=link_token), number
    raise signing.BadSignature("not an answer link")


def is_open_question(application: Application, number: int) -> bool:
    """Whether question `number` still waits for its answer: the application waits for
    one, and no newer question has been asked."""
    return (
        application.status == Application.Status.AWAITING_INFORMATION
        and questions_asked(application) == number
    )


def open_question(application: Application) -> str:
    """What the secretariat last asked the applicant."""
    asked = application.events.filter(action=ApplicationEvent.Action.INFORMATION_REQUESTED)
    return asked.values_list("note", flat=True).last() or ""


def answer_information_request(
    application: Application, answer: str, *, question: int | None = None
) -> bool:
    """Record the applicant's answer and put the application back in the review queue.
    Returns whether this call took the answer: a second answer to one question is not
    taken, nor an answer to `question` (its number) once a newer one has been asked."""
    if not answer.strip():
        raise ApplicationRefused(_("Please write your answer."))
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        if question is None:
            question = questions_asked(application)
        if not is_open_question(application, question):
            return False
        application.status = Application.Status.AWAITING_REVIEW
        application.save(update_fields=["status"])
        record_event(application, ApplicationEvent.Action.INFORMATION_RECEIVED, note=answer.strip())
    return True


# What a group can see of a member (name and relationship always, the rest as chosen):
# a change to any of these may change the group's contact list.
SHARED_FIELDS = frozenset(ContactDetails.FIELDS) - {"language"} | {
    "share_address",
    "share_phone",
    "share_relationship",
    "share_birth_year",
}


def update_contact_details(person: Person, changes: dict, *, by: User | None) -> Person:
    """Change a member's details or sharing choices, noting who and when (`by` is None
    when the member changed them).

    Every group the member belongs to is told, so that its list is rebuilt; a change that
    alters nothing the group sees (e.g. a new address that the member does not share)
    produces no new list version.
    """
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        changed = [name for name, value in changes.items() if getattr(person, name) != value]
        if not changed:
            return person
        for name in changed:
            setattr(person, name, changes[name])
        person.details_changed_at = timezone.now()
        person.details_changed_by = by
        person.save(update_fields=[*changed, "details_changed_at", "details_changed_by"])
        if SHARED_FIELDS.intersection(changed):
            for membership in person.memberships.active():
                membership_changed.send(
                    sender=Membership,
                    group_id=membership.group_id,
                    person_id=person.pk,
                    reason=MembershipChange.DETAILS_CHANGED,
                )
    return person


def leave_group(membership: Membership, *, by: User | None) -> bool:
    """End a membership: the member is on no list built after this, and gets no more lists.
    `by` is the staff member who ended it, or None when the member left. Returns whether
    this call ended it."""
    with transaction.atomic():
        ended = (
            Membership.objects.active()
            .filter(pk=membership.pk)
            .update(left_at=timezone.now(), ended_by=by)
        )
        if ended:
            membership_changed.send(
                sender=Membership,
                group_id=membership.group_id,
                person_id=membership.person_id,
                reason=MembershipChange.LEFT,
            )
            person = Person.objects.only("pseudonym").get(memberships=membership.pk)
            accesslog.record(
                by, accesslog.Action.CHANGED, "person", person.pseudonym, ["memberships"]
            )
    return bool(ended)


class ConsentRefused(Exception):
    """The consent cannot be changed so; the message says why, to the member."""


def suspend_from_lists(membership: Membership, *, by: User) -> bool:
    """Take a member off their group's list, and stop sending it to them, while a report
    of misuse is looked into: the group gets a new list without them. They stay a member.
    Returns whether this call suspended them."""
    with transaction.atomic():
        suspended = (
            Membership.objects.on_lists()
            .filter(pk=membership.pk)
            .update(suspended_at=timezone.now(), suspended_by=by)
        )
        if suspended:
            membership_changed.send(
                sender=Membership,
                group_id=membership.group_id,
                person_id=membership.person_id,
                reason=MembershipChange.SUSPENDED,
            )
    return bool(suspended)


def restore_to_lists(membership: Membership, *, by: User) -> bool:
    """Lift a suspension: the member is on the group's next list, and receives it. Returns
    whether this call lifted it."""
    with transaction.atomic():
        restored = (
            Membership.objects.active()
            .filter(pk=membership.pk, suspended_at__isnull=False)
            .update(suspended_at=None, suspended_by=None)
        )
        if restored:
            membership_changed.send(
                sender=Membership,
                group_id=membership.group_id,
                person_id=membership.person_id,
                reason=MembershipChange.RESTORED,
            )
    return bool(restored)


def change_consent(person: Person, kind: str, given: bool, *, by: User | None) -> Consent | None:
    """Give or withdraw one of the optional consents (mailings, the online group, meetups),
    recorded with the version of its text as shown now. The required ones are withdrawn by
    leaving the network. Returns the new record, or None when nothing changed."""
    text = CONSENT_TEXTS[ConsentKind(kind)]
    if text.required:
        raise ConsentRefused(
            _("This consent is what membership rests on: to withdraw it, leave the network.")
        )
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        current = person.consents.filter(kind=kind).order_by("-recorded_at", "-pk").first()
        if current is not None and current.given == given and current.version == text.version:
            return None
        [consent] = record_consents(
            [Consent(person=person, kind=kind, version=text.version, given=given, recorded_by=by)]
        )
        return consent


def record_consents(consents: Iterable[Consent]) -> list[Consent]:
    """Records consents of people (given, withdrawn, or brought in by an import) and marks
    each person's latest record of each kind as the current one, which is where they stand
    on it (`PersonQuerySet.with_consent`). Every record of a person's consent is written
    here."""
    created = Consent.objects.bulk_create(consents)
    people = {consent.person_id for consent in created}
    newer = Consent.objects.filter(person=OuterRef("person"), kind=OuterRef("kind")).filter(
        Q(recorded_at__gt=OuterRef("recorded_at"))
        | Q(recorded_at=OuterRef("recorded_at"), pk__gt=OuterRef("pk"))
    )
    Consent.objects.filter(person__in=people).update(is_current=~Exists(newer))
    return created


def current_consents(person: Person) -> dict[str, Consent]:
    """Each consent as the person last gave or withdrew it."""
    latest: dict[str, Consent] = {}
    for consent in person.consents.order_by("recorded_at", "pk"):
        latest[consent.kind] = consent
    return latest


def _apply_sharing_consent(person: Person) -> None:
    """Joining is consent to share; a person who has not given it shares nothing."""
    shares = person.consents.filter(kind=ConsentKind.SHARE_CONTACT_DETAILS, given=True).exists()
    if not shares:
        person.share_address = person.share_phone = False
        person.share_relationship = person.share_birth_year = False
        person.save(
            update_fields=[
                "share_address",
                "share_phone",
                "share_relationship",
                "share_birth_year",
            ]
        )


# The outbox kind of an email to an applicant: written when the event is logged.
APPLICANT_EMAIL = "applicant"


def record_event(
    application: Application,
    action: str,
    *,
    by: User | None = None,
    note: str = "",
    email: emails.RenderedEmail | None = None,
    kind: str = APPLICANT_EMAIL,
) -> ApplicationEvent:
    """Log what happened to an application; an email it carries goes to the outbox (as
    `kind`), which sends it after the commit."""
    event = ApplicationEvent(application=application, action=action, by=by, note=note)
    if email:
        event.email = outbox.queue_email(
            email,
            application.email,
            kind=kind,
            about=_("Application %(number)s: %(action)s")
            % {"number": application.pk, "action": event.get_action_display()},
        )
    event.save()
    return event


def add_existing_members(
    pairs: list[tuple[Person, DiagnosisGroup]], *, by: User
) -> list[Membership]:
    """Record memberships the network had before it used this app (the secretariat's own
    records, brought in by an import): each (person, group) that is not already an active
    membership. Returns the memberships made.

    Unlike an approval this tells nobody: no welcome email and no `membership_changed`, so
    the group's list is not rebuilt and sent while records are still coming in. Staff send
    each group its new list when they choose (the import's "send the lists").
    """
    with transaction.atomic():
        people = {person.pk for person, _group in pairs}
        groups = {group.pk for _person, group in pairs}
        existing = set(
            Membership.objects.active()
            .filter(person__in=people, group__in=groups)
            .values_list("person_id", "group_id")
        )
        new: list[Membership] = []
        for person, group in pairs:
            if (person.pk, group.pk) not in existing:
                existing.add((person.pk, group.pk))
                new.append(Membership(person=person, group=group))
        Membership.objects.bulk_create(new)
        for pseudonym in dict.fromkeys(m.person.pseudonym for m in new if m.person):
            accesslog.record(by, accesslog.Action.CHANGED, "person", pseudonym, ["memberships"])
    return new

"""A member's own data: everything the network holds about them, and erasure.

Leaving the network erases the person at once: their memberships end (each group is sent
a list without them), and their rows go from every table (person, applications and their
events, consents, stored emails, their entry in every stored contact list, the admin's log
texts). What stays is anonymous: ended memberships without a person (who joined and left
a group, and when), and the access log, which refers to a pseudonym.
"""

from __future__ import annotations

from typing import Any

from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q

from accesslog import services as accesslog
from outbox import services as outbox

from .models import Application, ContactDetails, Membership, Person
from .services import leave_group
from .signals import person_erased, personal_data_requested


def applications_of(person: Person):
    """The person's applications: the approved ones, and any other from their address."""
    return Application.objects.filter(Q(person=person) | Q(email__iexact=person.email))


def erase_person(person: Person, *, by: User | None) -> None:
    """Erase a person from the network: end every membership, so that each group gets a
    list without them, and delete everything that names them. `by` is the staff member who
    did it (a request without a working email address), or None when the member left."""
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        for membership in person.memberships.active():
            leave_group(membership, by=by)
        applications = applications_of(person)
        addresses = {person.email, *applications.values_list("email", flat=True)}
        # The log outlives the person under their pseudonyms, which name nobody.
        accesslog.record(by, accesslog.Action.ERASED, "person", person.pseudonym)
        for pseudonym in applications.values_list("pseudonym", flat=True):
            accesslog.record(by, accesslog.Action.ERASED, "application", pseudonym)
        group_ids = set(person.memberships.values_list("group_id", flat=True))
        person_erased.send(sender=Person, person_id=person.pk, group_ids=group_ids)
        outbox.erase_recipient(addresses)
        _forget_admin_log(person, applications)
        applications.delete()
        person.delete()


def leave_network(person: Person) -> None:
    """The member leaves the network of their own accord."""
    erase_person(person, by=None)


def _forget_admin_log(person: Person, applications) -> None:
    """Django admin's log names the objects it changed ("Mette Holm in Alström syndrome")."""
    objects = {
        Person: [person.pk],
        Application: list(applications.values_list("pk", flat=True)),
        Membership: list(person.memberships.values_list("pk", flat=True)),
    }
    for model, pks in objects.items():
        content_types = ContentType.objects.get_for_models(
            model, *model._meta.get_parent_list(), for_concrete_models=False
        ).values()
        LogEntry.objects.filter(
            content_type__in=[*content_types, *_proxies_of(model)],
            object_id__in=[str(pk) for pk in pks],
        ).delete()


def _proxies_of(model) -> list[ContentType]:
    """The content types of proxy models of `model` (the review queue is one of Application)."""
    from django.apps import apps

    proxies = [m for m in apps.get_models() if m._meta.proxy and m._meta.concrete_model is model]
    return list(ContentType.objects.get_for_models(*proxies, for_concrete_models=False).values())


def personal_data(person: Person) -> dict[str, Any]:
    """Everything the network holds about a person (GDPR art. 15), as JSON values: their
    details and sharing choices, memberships, consents with the version of the text they
    saw, applications with what happened to each, the emails sent to them, and what other
    apps add (the contact lists sent to them), and when their record was read or changed."""
    data: dict[str, Any] = {
        "person": {
            **{field: _json(getattr(person, field)) for field in _PERSON_FIELDS},
            "member_since": person.created_at.isoformat(),
        },
        "memberships": [
            {
                "group": membership.group.name,
                "joined": membership.joined_at.isoformat(),
                "left": membership.left_at.isoformat() if membership.left_at else None,
            }
            for membership in person.memberships.select_related("group").order_by("joined_at")
        ],
        "consents": [
            {
                "consent": consent.get_kind_display(),
                "kind": consent.kind,
                "text_version": consent.version,
                "given": consent.given,
                "recorded": consent.recorded_at.isoformat(),
            }
            for consent in person.consents.order_by("recorded_at", "pk")
        ],
        "applications": [_application(application) for application in applications_of(person)],
        "emails": outbox.sent_to(person.email),
        "reads_and_changes_of_your_record": accesslog.records_for(
            [person.pseudonym, *applications_of(person).values_list("pseudonym", flat=True)]
        ),
    }
    for _receiver, sections in personal_data_requested.send(sender=Person, person=person):
        if isinstance(sections, dict):
            data.update(sections)
    return data


_PERSON_FIELDS = [
    *ContactDetails.FIELDS,
    "share_address",
    "share_phone",
    "share_relationship",
    "share_birth_year",
]


def _application(application: Application) -> dict[str, Any]:
    return {
        "submitted": application.submitted_at.isoformat(),
        "status": application.get_status_display(),
        "diagnosis": application.diagnosis_label,
        "note": application.note,
        **{field: _json(getattr(application, field)) for field in ContactDetails.FIELDS},
        "consents": [
            {
                "kind": consent.kind,
                "text_version": consent.version,
                "given": consent.given,
                "recorded": consent.recorded_at.isoformat(),
            }
            for consent in application.consents.all()
        ],
        "events": [
            {"what": event.get_action_display(), "when": event.at.isoformat(), "note": event.note}
            for event in application.events.all()
        ],
    }


def _json(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    return str(value)

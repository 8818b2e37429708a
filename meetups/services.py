"""The yearly meetup: invitations, registrations, the waiting list and reminders.

Capacity counts people (adults and children). Every decision about places is taken with
the meetup's row locked (`select_for_update`), so two members registering at the same
moment cannot both take the last place. A new registration that does not fit, or that
would jump the queue while others are waiting, goes on the waiting list. When places free
up (a cancellation, a smaller party), the waiting list moves up in order: the first in
line is registered as soon as their party fits, and nobody behind them jumps ahead.

Members reach their registration through a signed link (meetups/links.py) until the
deadline; after it, only staff change registrations.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from members.consents import ConsentKind
from members.models import Person
from outbox import services as outbox
from outbox.models import OutgoingEmail

from .models import Event, Registration, RegistrationEmail

# The outbox kind of every meetup email; RegistrationEmail.template says which one.
KIND = "meetup"
INVITATION = "meetup_invitation"
ANSWER = "meetup_answer"
MOVED_UP = "meetup_moved_up"
CANCELLED = "meetup_cancelled"
REMINDER = "meetup_reminder"
NEW_LINK = "meetup_link"


class RegistrationClosed(Exception):
    """The deadline has passed: members can no longer register, change or cancel."""


@dataclass
class NotEnoughPlaces(Exception):
    """A registered member asked for more places than are free; `most` is the largest
    party they can keep."""

    most: int


def is_open(event: Event, now: datetime | None = None) -> bool:
    return (now or timezone.now()) <= event.registration_deadline


def places_taken(event: Event, *, besides: Registration | None = None) -> int:
    confirmed = event.registrations.confirmed()
    if besides is not None:
        confirmed = confirmed.exclude(pk=besides.pk)
    totals = confirmed.aggregate(adults=Sum("adults"), children=Sum("children"))
    return (totals["adults"] or 0) + (totals["children"] or 0)


def free_places(event: Event) -> int:
    return max(event.capacity - places_taken(event), 0)


def waiting_position(registration: Registration) -> int | None:
    """The registration's place in the waiting list (1: next in line), or None."""
    if registration.status != Registration.Status.WAITING:
        return None
    ahead = registration.event.registrations.waiting().filter(
        Q(waiting_since__lt=registration.waiting_since)
        | Q(waiting_since=registration.waiting_since, pk__lt=registration.pk)
    )
    return ahead.count() + 1


def _queue(registrations: list[Registration], template: str) -> None:
    """Queue `template` to each of these registrations' members, in one batch, for the
    composer (emails.py) to write as it is sent."""
    registrations = [r for r in registrations if r.person.email]
    if not registrations:
        return
    batch = OutgoingEmail.new_batch()
    queued = outbox.queue_composed(
        KIND, batch, [r.person.email for r in registrations], about=template
    )
    RegistrationEmail.objects.bulk_create(
        RegistrationEmail(registration=r, email=email, template=template)
        for r, email in zip(registrations, queued, strict=True)
    )
    outbox.start_sending(batch, len(queued))


def invite(event: Event, *, by: User | None) -> int:
    """Invite everyone who consents to meetup invitations now and was not invited to this
    meetup yet. Returns how many were invited."""
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=event.pk)
        people = (
            Person.objects.with_consent(ConsentKind.MEETUPS)
            .exclude(email="")
            .exclude(meetup_registrations__event=event)
        )
        created = Registration.objects.bulk_create(
            Registration(event=event, person=person) for person in people
        )
        _queue(created, INVITATION)
    return len(created)


def register(
    registration: Registration,
    *,
    adults: int,
    children: int,
    dietary_needs: str = "",
    accessibility_needs: str = "",
    note: str = "",
) -> Registration:
    """Register, or change a registration, as the member answered through their link.

    Someone already registered keeps their place; a larger party needs the places to be
    free (NotEnoughPlaces otherwise, and nothing changes). Anyone else is registered if
    their party fits and nobody is waiting, and goes on the waiting list otherwise.
    """
    now = timezone.now()
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=registration.event_id)
        registration = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("person", "event")
            .get(pk=registration.pk)
        )
        if not is_open(event, now):
            raise RegistrationClosed
        free = event.capacity - places_taken(event, besides=registration)
        status = registration.status
        if status == Registration.Status.CONFIRMED and adults + children > free:
            raise NotEnoughPlaces(most=max(free, 0))
        registration.adults = adults
        registration.children = children
        registration.dietary_needs = dietary_needs
        registration.accessibility_needs = accessibility_needs
        registration.note = note
        registration.answered_at = now
        if status in (Registration.Status.INVITED, Registration.Status.CANCELLED):
            someone_waiting = event.registrations.waiting().exists()
            if adults + children <= free and not someone_waiting:
                registration.status = Registration.Status.CONFIRMED
                registration.confirmed_at = now
            else:
                registration.status = Registration.Status.WAITING
                registration.waiting_since = now
            registration.cancelled_at = None
        registration.save()
        moved = _move_up(event, now)
        if registration not in moved:
            _queue([registration], ANSWER)
    registration.refresh_from_db()
    return registration


def cancel(registration: Registration, *, by: User | None, erasing: bool = False) -> Registration:
    """Cancel a registration (or a place on the waiting list): the member (`by` None) until
    the deadline, with an email that confirms it; staff (`by`), or the member's erasure, at
    any time. The places go to the waiting list."""
    member = by is None and not erasing
    now = timezone.now()
    with transaction.atomic():
        event = Event.objects.select_for_update().get(pk=registration.event_id)
        registration = (
            Registration.objects.select_for_update(of=("self",))
            .select_related("person", "event")
            .get(pk=registration.pk)
        )
        if member and not is_open(event, now):
            raise RegistrationClosed
        if registration.status == Registration.Status.CANCELLED:
            return registration
        registration.status = Registration.Status.CANCELLED
        registration.cancelled_at = now
        registration.waiting_since = None
        registration.save(update_fields=["status", "cancelled_at", "waiting_since"])
        if member:
            _queue([registration], CANCELLED)
        _move_up(event, now)
    return registration


def _move_up(event: Event, now: datetime) -> list[Registration]:
    """Register the waiting list in order while the first in line fits; each is emailed.
    Called with the meetup's row locked. Nothing moves once the meetup has begun."""
    if now >= event.starts_at:
        return []
    free = event.capacity - places_taken(event)
    moved: list[Registration] = []
    for waiting in event.registrations.waiting().select_related("person", "event"):
        if waiting.people > free:
            break
        free -= waiting.people
        waiting.status = Registration.Status.CONFIRMED
        waiting.confirmed_at = now
        waiting.waiting_since = None
        waiting.save(update_fields=["status", "confirmed_at", "waiting_since"])
        moved.append(waiting)
    _queue(moved, MOVED_UP)
    return moved


def send_reminders(now: datetime | None = None) -> int:
    """Remind everyone registered for a meetup that is `reminder_days` away or nearer, once
    each (the mark and the email are one transaction). Run every hour by the beat."""
    now = now or timezone.now()
    reminded = 0
    for event in Event.objects.filter(starts_at__gt=now, reminder_days__gt=0):
        if now < event.starts_at - timedelta(days=event.reminder_days):
            continue
        with transaction.atomic():
            due = list(
                event.registrations.confirmed()
                .filter(reminded_at=None)
                .select_related("person", "event")
                .select_for_update(skip_locked=True, of=("self",))
            )
            Registration.objects.filter(pk__in=[r.pk for r in due]).update(reminded_at=now)
            _queue(due, REMINDER)
        reminded += len(due)
    return reminded


def ask_for_new_link(address: str) -> int:
    """Send a new link to each upcoming meetup the member at `address` was invited to; the
    old links stop working. Nothing for an address that is nobody's."""
    now = timezone.now()
    with transaction.atomic():
        registrations = list(
            Registration.objects.filter(
                person__email__iexact=address.strip(), event__starts_at__gt=now
            )
            .exclude(person__email="")
            .select_related("person", "event")
            .select_for_update(of=("self",))
        )
        Registration.objects.filter(pk__in=[r.pk for r in registrations]).update(
            link_version=F("link_version") + 1
        )
        _queue(registrations, NEW_LINK)
    return len(registrations)


def counts(event: Event) -> dict[str, int]:
    """Registrations and people by status, in one query."""
    confirmed = Q(registrations__status=Registration.Status.CONFIRMED)
    waiting = Q(registrations__status=Registration.Status.WAITING)
    result = Event.objects.filter(pk=event.pk).aggregate(
        invited=Count("registrations"),
        unanswered=Count(
            "registrations", filter=Q(registrations__status=Registration.Status.INVITED)
        ),
        confirmed=Count("registrations", filter=confirmed),
        adults=Sum("registrations__adults", filter=confirmed),
        children=Sum("registrations__children", filter=confirmed),
        waiting=Count("registrations", filter=waiting),
        waiting_people=Sum(
            F("registrations__adults") + F("registrations__children"), filter=waiting
        ),
        cancelled=Count(
            "registrations", filter=Q(registrations__status=Registration.Status.CANCELLED)
        ),
        dietary=Count("registrations", filter=confirmed & ~Q(registrations__dietary_needs="")),
        accessibility=Count(
            "registrations", filter=confirmed & ~Q(registrations__accessibility_needs="")
        ),
    )
    return {key: value or 0 for key, value in result.items()}


def cancel_for_erased(person_id: int) -> None:
    """A member who leaves the network gives up their places, which go to the waiting list."""
    for registration in Registration.objects.filter(
        person_id=person_id, status__in=[Registration.Status.CONFIRMED, Registration.Status.WAITING]
    ):
        cancel(registration, by=None, erasing=True)

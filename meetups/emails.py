"""Meetup emails, written in the member's language as the outbox sends them (so that their
link is live, and never stored)."""

from __future__ import annotations

import uuid

from django.core.mail import EmailMessage
from django.utils.translation import gettext as _

from outbox import emails
from outbox.composers import Withdrawn
from outbox.models import OutgoingEmail

from . import links, services
from .models import Registration, RegistrationEmail


def context(registration: Registration) -> dict:
    event = registration.event
    language = registration.person.language
    return {
        "person": registration.person,
        "registration": registration,
        "event": event,
        "title": event.title(language),
        "description": event.description(language),
        "price_note": event.price_note(language),
        "link": links.url(registration),
        "waiting_position": services.waiting_position(registration),
    }


class MeetupComposer:
    def message(self, email: OutgoingEmail) -> EmailMessage:
        sent = (
            RegistrationEmail.objects.select_related("registration__event", "registration__person")
            .filter(email=email)
            .first()
        )
        if sent is None:
            raise Withdrawn(_("The registration no longer exists."))
        registration = sent.registration
        if sent.template == services.REMINDER and (
            registration.status != Registration.Status.CONFIRMED
        ):
            raise Withdrawn(_("The member is no longer registered."))
        written = emails.render(sent.template, context(registration), registration.person.language)
        return emails.message(written, email.recipient)

    def refuse_resend(self, email: OutgoingEmail) -> str | None:
        if not RegistrationEmail.objects.filter(email=email).exists():
            return _("The registration no longer exists.")
        return None


def member_of(email: OutgoingEmail) -> tuple[str, uuid.UUID] | None:
    pseudonym = (
        RegistrationEmail.objects.filter(email=email)
        .values_list("registration__person__pseudonym", flat=True)
        .first()
    )
    return None if pseudonym is None else ("person", pseudonym)

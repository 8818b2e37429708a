"""How each kind of email is written when it is sent.

Most emails are written when they are queued and stored whole in the outbox. A kind that
is cheaper to write at the last moment (a contact list: one snapshot, thousands of
recipients) registers a composer for its kind, from the app that owns it, so that the
outbox never imports the apps above it:

    outbox.composers.register("contact_list", ContactListComposer, label=_("contact list"))

A composer is made once per sender run and asked for one message at a time; it may keep
what the messages of one batch share. It raises `Withdrawn` for an email that must no
longer go out (a member who has left the group), and `refuse_resend` says why staff may
not send one again, or returns None.

A kind may also say whose email it is (`addressee`): the person or application it was
written to, as the access log names them, so that staff reading it in admin are logged.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from django.core.mail import EmailMessage
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from . import emails
from .models import OutgoingEmail


class Withdrawn(Exception):
    """The email must not be sent any more; the message says why, for staff."""


class Composer(Protocol):
    def message(self, email: OutgoingEmail) -> EmailMessage: ...

    def refuse_resend(self, email: OutgoingEmail) -> str | None: ...


class StoredComposer:
    """An email written when it was queued: its subject, text and HTML are in the row."""

    def message(self, email: OutgoingEmail) -> EmailMessage:
        written = emails.RenderedEmail(email.subject, email.text, email.html)
        return emails.message(written, email.recipient)

    def refuse_resend(self, email: OutgoingEmail) -> str | None:
        if not (email.subject or email.text or email.html):
            # Retention (or an erasure) deleted what it said: an empty email helps nobody.
            return _("What this email said has been deleted; it cannot be sent again.")
        return None


# Whose email it is, for the access log: ("person" | "application", pseudonym), or None.
Addressee = Callable[[OutgoingEmail], "tuple[str, uuid.UUID] | None"]


@dataclass
class Kind:
    label: str | Promise
    composer: Callable[[], Composer]
    addressee: Addressee | None = None


_kinds: dict[str, Kind] = {}


def register(
    kind: str,
    composer: Callable[[], Composer],
    *,
    label: str | Promise,
    addressee: Addressee | None = None,
) -> None:
    _kinds[kind] = Kind(label, composer, addressee)


def register_stored(kind: str, *, label: str | Promise, addressee: Addressee | None = None) -> None:
    register(kind, StoredComposer, label=label, addressee=addressee)


def composer_for(kind: str) -> Composer:
    return _kinds[kind].composer() if kind in _kinds else StoredComposer()


def label_for(kind: str) -> str | Promise:
    return _kinds[kind].label if kind in _kinds else kind


def kinds() -> list[tuple[str, str | Promise]]:
    return [(kind, registered.label) for kind, registered in sorted(_kinds.items())]


def addressee_of(email: OutgoingEmail) -> tuple[str, uuid.UUID] | None:
    """The person or application an email was written to, if its kind can say."""
    registered = _kinds.get(email.kind)
    if registered is None or registered.addressee is None:
        return None
    return registered.addressee(email)

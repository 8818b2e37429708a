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
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from django.core.mail import EmailMessage
from django.utils.functional import Promise

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
        return None


@dataclass
class Kind:
    label: str | Promise
    composer: Callable[[], Composer]


_kinds: dict[str, Kind] = {}


def register(kind: str, composer: Callable[[], Composer], *, label: str | Promise) -> None:
    _kinds[kind] = Kind(label, composer)


def register_stored(kind: str, *, label: str | Promise) -> None:
    register(kind, StoredComposer, label=label)


def composer_for(kind: str) -> Composer:
    return _kinds[kind].composer() if kind in _kinds else StoredComposer()


def label_for(kind: str) -> str | Promise:
    return _kinds[kind].label if kind in _kinds else kind


def kinds() -> list[tuple[str, str | Promise]]:
    return [(kind, registered.label) for kind, registered in sorted(_kinds.items())]

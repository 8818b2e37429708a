"""Writing the access log, and reading it back for the person it is about.

Call it where staff see or change a person's or an application's personal data:

    from accesslog import services as accesslog

    accesslog.record(request.user, accesslog.Action.VIEWED, "person", person.pseudonym)
    accesslog.record(by, accesslog.Action.CHANGED, "person", person.pseudonym, fields=changed)

A record holds who (the user and a copy of the user name), when, what (viewed, changed,
exported, erased, deleted), whose record (its pseudonym) and which fields changed: never a
name, a value, or anything else that would let the log say who the person was.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import AnonymousUser, User

from .models import AccessRecord, Action, SubjectKind

__all__ = ["Action", "SubjectKind", "record", "record_each", "records_for"]


def record(
    user: User | AnonymousUser | None,
    action: str,
    kind: str,
    pseudonym: uuid.UUID | str,
    fields: Iterable[str] = (),
    note: str = "",
) -> AccessRecord:
    """Log that `user` (None: the member themself, or the network's own housekeeping) did
    `action` to the personal data of the person or application (`kind`) with `pseudonym`.
    `fields` are the names of the fields changed; `note` says more, without personal data."""
    return AccessRecord.objects.create(
        **_entry(user, action, kind, pseudonym, fields=sorted(set(fields)), note=note)
    )


def record_each(
    user: User | AnonymousUser | None,
    action: str,
    kind: str,
    pseudonyms: Iterable[uuid.UUID | str],
    note: str = "",
) -> None:
    """`record` for each of several people at once (a page or a file that names hundreds),
    in one statement."""
    AccessRecord.objects.bulk_create(
        AccessRecord(**_entry(user, action, kind, pseudonym, fields=[], note=note))
        for pseudonym in pseudonyms
    )


def _entry(user, action: str, kind: str, pseudonym, **details) -> dict[str, Any]:
    if user is not None and not user.is_authenticated:
        user = None
    return {
        "user": user,
        "username": user.get_username() if user is not None else "",
        "action": Action(action),
        "subject_kind": SubjectKind(kind),
        "subject": pseudonym,
        **details,
    }


def records_for(pseudonyms: Iterable[uuid.UUID | str]) -> list[dict[str, Any]]:
    """The access log of a person (their own pseudonym and their applications'), for their
    copy of their data: when, what, on which record and which fields.

    It says whether staff did it, not who: a member is owed the dates and purposes of each
    consultation of their data, not, as a rule, the identity of the employee (CJEU, C-579/21,
    Pankki S).
    """
    return [
        {
            "at": entry.at.isoformat(),
            "action": entry.action,
            "what": str(entry.get_action_display()),
            "record": entry.subject_kind,
            "by_staff": bool(entry.username),
            "fields": entry.fields,
            "note": entry.note,
        }
        for entry in AccessRecord.objects.filter(subject__in=list(pseudonyms)).order_by("at", "pk")
    ]

"""A member's data (members.privacy.personal_data) as a page a person can read: each key
under a label in their language, each timestamp as a date, lists numbered. The JSON
download is the same data as it is; this only presents it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from typing import Any

from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from contactlists.models import ContactList
from members.models import Application, Consent, Person

# Keys of the export that are not a model field's name, under labels the network uses
# elsewhere already.
LABELS: dict[str, str | Promise] = {
    "person": _("About you"),
    "member_since": _("member since"),
    "memberships": _("memberships"),
    "group": _("diagnosis group"),
    "joined": _("joined"),
    "left": _("left"),
    "consents": _("consents"),
    "consent": _("consent"),
    "text_version": _("text version"),
    "recorded": _("recorded"),
    "applications": _("applications"),
    "submitted": _("submitted"),
    "events": _("application events"),
    "what": _("action"),
    "when": _("at"),
    "emails": _("outgoing email"),
    "subject": _("subject"),
    "queued": _("queued"),
    "sent": _("sent"),
    "contact_lists_sent_to_you": _("contact lists"),
    "built": _("built"),
    "members": _("members"),
    "address": _("Address"),
}


@dataclass
class Entry:
    label: str
    kind: str  # "dict", "list", "yes/no" or "value"
    value: Any = None
    children: list[Entry] = field(default_factory=list)


def tree(data: dict) -> list[Entry]:
    """The sections of the export, each an Entry to show."""
    return [_entry(key, value) for key, value in data.items()]


def label_for(key: str) -> str:
    label = LABELS.get(key) or _field_labels().get(key) or key.replace("_", " ")
    return capfirst(str(label))


def _entry(key: str, value: Any) -> Entry:
    label = label_for(key)
    if isinstance(value, dict):
        return Entry(label, "dict", children=[_entry(k, v) for k, v in value.items()])
    if isinstance(value, list):
        return Entry(label, "list", children=[_entry(key, item) for item in value])
    if isinstance(value, bool):
        return Entry(label, "yes/no", value=value)
    return Entry(label, "value", value=_as_date(value))


def _as_date(value: Any) -> Any:
    """An ISO timestamp (as the export writes them) as a datetime, which the page shows in
    the reader's time zone and language; anything else as it is."""
    if isinstance(value, str) and len(value) >= 19 and value[4] == "-" and value[10] == "T":
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            return value
    return value


@cache
def _field_labels() -> dict[str, str | Promise]:
    labels: dict[str, str | Promise] = {}
    for model in (ContactList, Consent, Application, Person):
        for model_field in model._meta.concrete_fields:
            labels[model_field.name] = model_field.verbose_name
    return labels

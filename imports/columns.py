"""The columns of a members spreadsheet: the fields an import fills, the headers it knows
them by, and the layout an export writes (the same, so that an export imports again)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from diagnoses.text import fold


@dataclass(frozen=True)
class Column:
    key: str
    label: Promise
    # Headers a secretariat's own sheet may use (Danish first), besides the label in every
    # language the network speaks.
    aliases: tuple[str, ...] = ()


COLUMNS = [
    Column("full_name", _("Name"), ("navn", "fulde navn", "fuldt navn", "full name")),
    Column("email", _("Email"), ("e-mail", "mail", "e-mailadresse", "email address")),
    Column("phone", _("Phone"), ("telefon", "tlf", "tlf nr", "telefonnummer", "mobil")),
    Column("street_address", _("Street address"), ("adresse", "vej", "gade", "address")),
    Column("postal_code", _("Postal code"), ("postnr", "post nr", "postnummer", "zip")),
    Column("city", _("Town or city"), ("by", "bynavn", "city", "town")),
    Column("country", _("Country"), ("land",)),
    Column("relationship", _("Relationship to the diagnosis"), ("relation", "tilknytning")),
    Column("birth_year", _("Birth year"), ("fødselsår", "født", "foedselsaar")),
    Column("language", _("Language"), ("sprog",)),
    Column("diagnoses", _("Diagnoses"), ("diagnose", "diagnoser", "sygdom", "diagnosis")),
    Column("group", _("Group"), ("gruppe", "diagnosegruppe", "kontaktgruppe")),
    Column("share_address", _("Shares postal address"), ("del adresse",)),
    Column("share_phone", _("Shares phone"), ("del telefon",)),
    Column("share_relationship", _("Shares relationship"), ("del relation",)),
    Column("share_birth_year", _("Shares birth year"), ("del fødselsår",)),
    Column("consent_source", _("Consent given"), ("samtykke", "samtykke givet")),
    Column("consent_date", _("Consent date"), ("samtykkedato", "dato for samtykke")),
    Column("consent_version", _("Consent text version"), ("samtykketekst", "samtykkeversion")),
]
KEYS = [column.key for column in COLUMNS]
BY_KEY = {column.key: column for column in COLUMNS}

# Fields whose cell may hold several values, one per line or separated by ";".
LISTS = {"diagnoses", "group"}


@cache
def _known_headers() -> dict[str, str]:
    known: dict[str, str] = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for column in COLUMNS:
                known.setdefault(fold(str(column.label)), column.key)
    for column in COLUMNS:
        for alias in (column.key, *column.aliases):
            known.setdefault(fold(alias), column.key)
    return known


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """The field each header names, as far as its wording tells; "" for the unknown ones.
    Each field is taken by its first column only."""
    taken: set[str] = set()
    mapping = {}
    for header in headers:
        key = _known_headers().get(fold(header), "")
        if key in taken:
            key = ""
        taken.add(key)
        mapping[header] = key
    return mapping


def is_known_header(text: str) -> bool:
    return fold(text) in _known_headers()


def headers_key(headers: list[str]) -> str:
    """One key for a layout: the same headers in any order, however capitalised."""
    joined = "\x1f".join(sorted(fold(header) for header in headers))
    return hashlib.sha256(joined.encode()).hexdigest()


def export_headers() -> list[str]:
    """The header row of an export, in the active language (which an import reads back)."""
    return [str(column.label) for column in COLUMNS]

"""People with the optional consents as a test needs them, made directly (fast)."""

from __future__ import annotations

from members.consents import CONSENT_TEXTS, ConsentKind
from members.models import Consent, Membership, Person
from members.services import record_consents


def person(
    name: str,
    *,
    language: str = "en",
    country: str = "DK",
    consents: dict[str, bool] | None = None,
    group=None,
    index: int = 0,
) -> Person:
    made = Person.objects.create(
        full_name=name,
        relationship="parent",
        street_address="Vej 1",
        postal_code="8000",
        city="Aarhus",
        country=country,
        phone=f"+45{20300000 + index}",
        email=name.lower().replace(" ", ".") + "@example.org",
        language=language,
    )
    record_consents(
        Consent(person=made, kind=kind, version=CONSENT_TEXTS[kind].version, given=given)
        for kind, given in (consents or {}).items()
    )
    if group is not None:
        Membership.objects.create(person=made, group=group)
    return made


def people(
    count: int, *, consents: dict[str, bool], languages: list[str], prefix: str
) -> list[Person]:
    """`count` people, their languages in turn, each with these consent records."""
    made = Person.objects.bulk_create(
        Person(
            full_name=f"{prefix} {i}",
            relationship="parent",
            street_address="Vej 1",
            postal_code="8000",
            city="Aarhus",
            country="DK",
            phone=f"+45{20400000 + i}",
            email=f"{prefix.lower()}{i:04d}@example.org",
            language=languages[i % len(languages)],
        )
        for i in range(count)
    )
    record_consents(
        Consent(person=p, kind=kind, version=CONSENT_TEXTS[ConsentKind(kind)].version, given=given)
        for p in made
        for kind, given in consents.items()
    )
    return made

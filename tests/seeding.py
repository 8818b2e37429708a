"""Large groups, fast: for fault tests and benchmarks that need hundreds of members."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from contactlists.models import ContactList, Delivery
from contactlists.services import KIND, batch_of, shared_entry
from diagnoses.models import Diagnosis, DiagnosisGroup
from members.models import Membership, Person
from members.services import ApplicantDetails
from outbox.models import OutgoingEmail

FIRST_NAMES = [
    "Anne", "Mette", "Søren", "Jens", "Kirsten", "Lars", "Hanne", "Niels", "Freja", "Mikkel",
    "Ida", "Rasmus", "Sofie", "Frederik", "Emma", "Jesper", "Aase", "Bjørn", "Line", "Ægir",
]  # fmt: skip
LAST_NAMES = [
    "Jensen", "Nielsen", "Hansen", "Pedersen", "Andersen", "Christensen", "Larsen", "Sørensen",
    "Rasmussen", "Jørgensen", "Petersen", "Madsen", "Kristensen", "Olsen", "Thomsen", "Møller",
]  # fmt: skip
STREETS = ["Skovvej", "Strandvejen", "Østergade", "Kirkevej", "Møllevej", "Engvej", "Bøgevej"]
TOWNS = [("8000", "Aarhus C"), ("5000", "Odense C"), ("9000", "Aalborg"), ("2100", "København Ø")]
RELATIONSHIPS = ["parent", "parent", "patient", "relative", "guardian"]


def dk_phone(i: int) -> str:
    """A valid Danish mobile number, different for each i below 10,000."""
    return f"+45{20200000 + i}"


def seed_group(diagnosis: Diagnosis, members: int, *, name: str | None = None) -> DiagnosisGroup:
    """A group of `members` people who all have version 1 of its list, sent.

    Bulk inserts without email; version 1 is built the way `build_contact_list` builds
    it, so the next build is version 2 with only the new members marked new.
    """
    with transaction.atomic():
        group = DiagnosisGroup.objects.create(name=name or diagnosis.name)
        group.diagnoses.add(diagnosis)
        people = []
        for i in range(members):
            first = FIRST_NAMES[i % len(FIRST_NAMES)]
            last = LAST_NAMES[(i // len(FIRST_NAMES)) % len(LAST_NAMES)]
            postal_code, city = TOWNS[i % len(TOWNS)]
            people.append(
                Person(
                    full_name=f"{first} {last}",
                    relationship=RELATIONSHIPS[i % len(RELATIONSHIPS)],
                    birth_year=2000 + i % 24 if i % 7 else None,
                    street_address=f"{STREETS[i % len(STREETS)]} {i % 150 + 1}",
                    postal_code=postal_code,
                    city=city,
                    country="DK",
                    phone=dk_phone(i),
                    email=f"member{i:05d}@example.org",
                    language="da",
                )
            )
        Person.objects.bulk_create(people, batch_size=1000)
        Membership.objects.bulk_create(
            (Membership(person=person, group=group) for person in people), batch_size=1000
        )
        in_group = Person.objects.in_group(group).order_by("full_name", "pk")
        first_list = ContactList.objects.create(
            group=group,
            version=1,
            entries=[{**shared_entry(person), "is_new": True} for person in in_group],
        )
        now = timezone.now()
        emails = OutgoingEmail.objects.bulk_create(
            (
                OutgoingEmail(
                    kind=KIND,
                    batch=batch_of(first_list),
                    recipient=person.email,
                    status=OutgoingEmail.Status.SENT,
                    attempts=1,
                    sends=1,
                    claimed_at=now,
                    sent_at=now,
                )
                for person in people
            ),
            batch_size=1000,
        )
        Delivery.objects.bulk_create(
            (
                Delivery(contact_list=first_list, person=person, is_welcome=True, email=email)
                for person, email in zip(people, emails, strict=True)
            ),
            batch_size=1000,
        )
    return group


def applicant_details(
    name: str, diagnosis: Diagnosis | None = None, **overrides
) -> ApplicantDetails:
    """What an applicant in Denmark gives on the form, filled in in the site's default
    language (English under the test settings); `overrides` change any of it."""
    details = {
        "full_name": name,
        "relationship": "parent",
        "birth_year": 2015,
        "street_address": "Skovvej 12",
        "postal_code": "8000",
        "city": "Aarhus C",
        "country": "DK",
        "phone": "+4520123456",
        "email": name.lower().replace(" ", ".") + "@example.org",
        "diagnosis": diagnosis,
        "language": settings.LANGUAGE_CODE,
    }
    return ApplicantDetails(**{**details, **overrides})

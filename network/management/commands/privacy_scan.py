"""Look in every table for what is left of a person: their name, email, phone or street.

    manage.py privacy_scan EMAIL [--name NAME] [--phone PHONE] [--street STREET]

Run after an erasure to check it, or for a data request, to find where a person's data
is. While the person (or an application from the address) is still there, the other
details are read from it; after an erasure, give them. Exits 1 if anything is found.
"""

from __future__ import annotations

import phonenumbers
from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import models
from django.db.models.functions import Cast

from members.models import Application, Person

TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


class Command(BaseCommand):
    help = "List every table and column that still holds a person's name, email, phone or street."

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--name", default="")
        parser.add_argument("--phone", default="")
        parser.add_argument("--street", default="")

    def handle(self, *args, email: str, name: str, phone: str, street: str, **options):
        known = (
            Person.objects.filter(email__iexact=email).first()
            or Application.objects.filter(email__iexact=email).first()
        )
        if known is not None:
            name = name or known.full_name
            phone = phone or str(known.phone)
            street = street or known.street_address
        terms = {"email": [email], "name": [name], "phone": phone_forms(phone), "street": [street]}
        found = scan({kind: [t for t in forms if t] for kind, forms in terms.items()})
        for (table, column), kinds in sorted(found.items()):
            self.stdout.write(f"{table}.{column}: {', '.join(sorted(kinds))}")
        if found:
            self.stderr.write(f"{len(found)} columns still hold the person's data.")
            raise SystemExit(1)
        self.stdout.write("Nothing found.")


def phone_forms(phone: str) -> list[str]:
    """A phone number as it may be written: +4520123456, +45 20 12 34 56, 20 12 34 56."""
    if not phone:
        return []
    try:
        number = phonenumbers.parse(phone)
    except phonenumbers.NumberParseException:
        return [phone]
    formats = [
        phonenumbers.PhoneNumberFormat.E164,
        phonenumbers.PhoneNumberFormat.INTERNATIONAL,
        phonenumbers.PhoneNumberFormat.NATIONAL,
    ]
    return [phone, *(phonenumbers.format_number(number, f) for f in formats)]


def scan(terms: dict[str, list[str]]) -> dict[tuple[str, str], set[str]]:
    """(table, column) -> the kinds of detail found in it, over every model's text columns."""
    found: dict[tuple[str, str], set[str]] = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, TEXT_FIELDS):
                continue
            rows = model._default_manager.annotate(_scanned=Cast(field.name, models.TextField()))
            for kind, forms in terms.items():
                if any(rows.filter(_scanned__icontains=term).exists() for term in forms):
                    found.setdefault((model._meta.db_table, field.column), set()).add(kind)
    return found

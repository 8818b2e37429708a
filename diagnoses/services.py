"""Finding diagnoses in the catalogue."""

from __future__ import annotations

import re

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When

from .models import Diagnosis
from .text import fold

ORPHA_CODE = re.compile(r"^\s*(?:orpha\s*:?\s*)?(\d{1,7})\s*$", re.IGNORECASE)


def search_diagnoses(query: str, limit: int = 10) -> QuerySet[Diagnosis]:
    """Catalogue entries matching a name, synonym, ORPHA code or ICD-10 code.

    Every word typed must appear; æ/ø/å match ae/oe/aa. Entries whose name starts with
    what was typed come first.
    """
    code = ORPHA_CODE.match(query)
    if code:
        return Diagnosis.objects.filter(orpha_code=int(code.group(1)), is_active=True)[:limit]
    words = fold(query).split()
    if not words:
        return Diagnosis.objects.none()
    matches = Diagnosis.objects.filter(is_active=True)
    for word in words:
        matches = matches.filter(search_text__contains=word)
    folded = " ".join(words)
    return matches.annotate(
        rank=Case(
            When(Q(search_text__startswith=folded), then=Value(0)),
            When(Q(search_text__contains=" " + folded), then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        )
    ).order_by("rank", "name")[:limit]


def save_diagnosis(diagnosis: Diagnosis, synonyms: list[str] = ()) -> Diagnosis:
    """Save a catalogue entry with its English synonyms, keeping the search text in step."""
    diagnosis.save()
    for synonym in synonyms:
        diagnosis.names.get_or_create(name=synonym, language="en")
    diagnosis.refresh_search_text()
    diagnosis.save(update_fields=["search_text"])
    return diagnosis

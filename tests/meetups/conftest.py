from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from meetups.models import Event


@pytest.fixture
def meetup(db):
    now = timezone.now()
    return Event.objects.create(
        texts={
            "en": {"title": "Rare days", "description": "Two days together.", "price_note": "Free"},
            "da": {
                "title": "Sjældne-træf",
                "description": "To dage sammen.",
                "price_note": "Gratis",
            },
        },
        starts_at=now + timedelta(days=30),
        registration_deadline=now + timedelta(days=20),
        place="Nyborg Strand",
        capacity=10,
        reminder_days=7,
    )

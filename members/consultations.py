"""Asking the medical consultant about an application, always anonymised.

The consultant advises the secretariat on whether a diagnosis is rare and how to group it.
They see a copy of the case: the diagnosis as typed and from the catalogue, an age band and
the country; never a name, contact detail or note from the applicant.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Application, ApplicationEvent, Consultation
from .services import record_event

# Bands wide enough that, with a rare diagnosis and a country, the band does not point to one
# person (an exact birth year can), and narrow enough for what the advice turns on: a young
# child, a school child, a teenager, a young adult, an adult, an older adult.
AGE_BANDS = [
    (0, "0-4"),
    (5, "5-11"),
    (12, "12-17"),
    (18, "18-29"),
    (30, "30-49"),
    (50, "50-69"),
    (70, "70+"),
]


class ConsultationRefused(Exception):
    """The question or answer cannot be recorded; the message says why, to staff."""


def age_band(birth_year: int | None, today: date) -> str:
    """The age band of a person born in `birth_year`, or "" when the year is not known.

    Only the year is known, so the age is the one reached this year: the band may be one
    year ahead for a few months, which a band of five years or more absorbs.
    """
    if birth_year is None or birth_year > today.year:
        return ""
    age = today.year - birth_year
    return next(label for start, label in reversed(AGE_BANDS) if age >= start)


def anonymised_case(application: Application) -> dict:
    """What the consultant may know of an application, as the fields of a consultation."""
    return {
        "diagnosis": application.diagnosis,
        "diagnosis_text": application.diagnosis_text,
        "age_band": age_band(application.birth_year, timezone.localdate()),
        "country": application.country,
    }


def ask_consultant(application: Application, question: str, *, by: User) -> Consultation:
    """Put the staff's question to the medical consultant, with the anonymised case copied
    from the application, so that nothing the consultant reads comes from the application
    itself. The question is logged on the application."""
    question = question.strip()
    if not question:
        raise ConsultationRefused(_("Write the question for the medical consultant."))
    with transaction.atomic():
        consultation = Consultation.objects.create(
            application=application,
            question=question,
            asked_by=by,
            **anonymised_case(application),
        )
        record_event(application, ApplicationEvent.Action.CONSULTANT_ASKED, by=by, note=question)
    return consultation


def answer_consultation(consultation: Consultation, answer: str, *, by: User) -> Consultation:
    """Record the consultant's answer, who gave it and when, and log it on the application.

    A corrected answer replaces the earlier one here, while the application's log keeps
    both; saving the same answer again changes nothing.
    """
    answer = answer.strip()
    if not answer:
        raise ConsultationRefused(_("Write the answer for the secretariat."))
    with transaction.atomic():
        consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
        if consultation.answer == answer:
            return consultation
        consultation.answer = answer
        consultation.answered_by = by
        consultation.answered_at = timezone.now()
        consultation.save(update_fields=["answer", "answered_by", "answered_at"])
        record_event(
            consultation.application,
            ApplicationEvent.Action.CONSULTANT_ANSWERED,
            by=by,
            note=answer,
        )
    return consultation

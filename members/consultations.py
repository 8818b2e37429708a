"""Asking the medical consultant about an application, always anonymised.

The consultant advises the secretariat on whether a diagnosis is rare and how to group it.
They see a copy of the case: the catalogue entry, an age band and the country; never a
name, contact detail, or anything the applicant wrote. The diagnosis as the applicant typed
it stays out too: free text can hold a name, a hospital or a family detail.

A diagnosis typed as free text, with no catalogue entry, makes a case without a diagnosis:
the staff's question describes it, in their own words (the question's help text says so),
or staff first choose the catalogue entry on the application. The country is left out when
so few people with the diagnosis are known to the network (CONSULTANT_COUNTRY_MIN_GROUP)
that, with the diagnosis, it could point to one of them; and always for a case without a
catalogue entry, whose diagnosis nobody else may share.
"""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models.functions import Lower
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


def people_known_with(diagnosis) -> int:
    """How many people the network knows with this catalogue diagnosis: applicants still
    waiting for a decision and members admitted for it, each email address once. Members
    imported without an application are not counted, so the count errs on the small side,
    which is the safe side."""
    return (
        Application.objects.filter(
            diagnosis=diagnosis,
            status__in=[*Application.OPEN_STATUSES, Application.Status.APPROVED],
        )
        .values(lower_email=Lower("email"))
        .distinct()
        .count()
    )


def anonymised_case(application: Application) -> dict:
    """What the consultant may know of an application, as the fields of a consultation."""
    diagnosis = application.diagnosis
    shares_country = (
        diagnosis is not None
        and people_known_with(diagnosis) >= settings.CONSULTANT_COUNTRY_MIN_GROUP
    )
    return {
        "diagnosis": diagnosis,
        "age_band": age_band(application.birth_year, timezone.localdate()),
        "country": application.country if shares_country else "",
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

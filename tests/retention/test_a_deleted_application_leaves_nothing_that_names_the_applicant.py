"""Deleting an application deletes everything that names the applicant: its events and
their emails, its consents, its consultations, and the admin's log lines about it. Other
applications, and a member's approved one, keep theirs."""

from __future__ import annotations

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType

from members.consultations import ask_consultant
from members.models import Application, ApplicationEvent, Consent, Consultation, ReviewQueue
from network import retention
from outbox.models import OutgoingEmail

from ..conftest import admit
from .conftest import days_ago, decided_at, rejected


def logged(user, application: Application, model=Application) -> LogEntry:
    """A line in the admin's log, as Django writes when staff change the application."""
    return LogEntry.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(model, for_concrete_model=False),
        object_id=str(application.pk),
        object_repr=str(application),
        action_flag=CHANGE,
        change_message="[]",
    )


def test_a_rejected_application_goes_with_its_events_emails_consents_and_log(
    alstrom, secretariat, consultant, now
):
    application = rejected("Rita Gone", alstrom, secretariat)
    ask_consultant(application, "Is this rare enough?", by=secretariat)
    decided_at(application, days_ago(now, 180, older=True))
    logged(secretariat, application)
    logged(secretariat, application, ReviewQueue)
    member = admit("Mette Holm", alstrom, secretariat)
    decided_at(member.application, days_ago(now, 1000, older=True))
    logged(secretariat, member.application)

    retention.carry_out(retention.plan(now))

    assert not Application.objects.filter(pk=application.pk).exists()
    assert not ApplicationEvent.objects.filter(application_id=application.pk).exists()
    assert not Consent.objects.filter(application_id=application.pk).exists()
    assert not Consultation.objects.filter(application_id=application.pk).exists()
    assert not OutgoingEmail.objects.filter(recipient=application.email).exists()
    assert not LogEntry.objects.filter(object_repr="Rita Gone").exists()
    # The member's application stays, with its log and emails.
    member.refresh_from_db()
    assert member.application.events.exclude(email=None).exists()
    assert LogEntry.objects.filter(object_repr="Mette Holm").exists()

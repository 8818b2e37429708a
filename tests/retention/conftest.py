"""Helpers for the retention tests: records made through the real services, then aged by
moving their dates back, and what the database holds, to compare before and after."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from contactlists.models import ContactList, Delivery, GroupChange
from diagnoses.models import Association
from members import services
from members.models import Application, ApplicationEvent, Consent, Membership, Person
from outbox.models import OutgoingEmail

from ..conftest import ALL_CONSENTS
from ..seeding import applicant_details

# Just inside and just outside a period: a record this much younger than the period is
# kept, one this much older goes.
MARGIN = timedelta(hours=1)


def days_ago(now: datetime, days: int, *, older: bool) -> datetime:
    """A moment `days` days before `now`, just past the period (older) or just inside it."""
    return now - timedelta(days=days) + (-MARGIN if older else MARGIN)


def submitted(name: str, diagnosis) -> Application:
    return services.submit_application(applicant_details(name, diagnosis), ALL_CONSENTS)


def confirmed(name: str, diagnosis) -> Application:
    application = submitted(name, diagnosis)
    services.confirm_email(application)
    return application


def rejected(name: str, diagnosis, by) -> Application:
    application = confirmed(name, diagnosis)
    services.reject_application(application, "Not a rare diagnosis.", by=by)
    application.refresh_from_db()
    return application


def referred(name: str, diagnosis, by) -> Application:
    association, _created = Association.objects.get_or_create(name="Alström Association")
    application = confirmed(name, diagnosis)
    services.refer_application(application, association, by=by)
    application.refresh_from_db()
    return application


def asked(name: str, diagnosis, by) -> Application:
    application = confirmed(name, diagnosis)
    services.request_information(application, "Which doctor made the diagnosis?", by=by)
    application.refresh_from_db()
    return application


def submitted_at(application: Application, moment: datetime) -> None:
    Application.objects.filter(pk=application.pk).update(submitted_at=moment)


def decided_at(application: Application, moment: datetime) -> None:
    Application.objects.filter(pk=application.pk).update(decided_at=moment)


def question_asked_at(application: Application, moment: datetime) -> None:
    application.events.filter(action=ApplicationEvent.Action.INFORMATION_REQUESTED).update(
        at=moment
    )


def sent_at(email: OutgoingEmail, moment: datetime) -> None:
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=OutgoingEmail.Status.SENT, claimed_at=moment, sent_at=moment
    )


def replaced_at(contact_list: ContactList, moment: datetime) -> None:
    """When the version after this one was built."""
    ContactList.objects.filter(
        group_id=contact_list.group_id, version=contact_list.version + 1
    ).update(created_at=moment)


def all_sent(contact_list: ContactList) -> None:
    OutgoingEmail.objects.filter(delivery__contact_list=contact_list).update(
        status=OutgoingEmail.Status.SENT, sent_at=timezone.now()
    )


MODELS = [
    Application,
    ApplicationEvent,
    Consent,
    Person,
    Membership,
    ContactList,
    Delivery,
    GroupChange,
    OutgoingEmail,
]


def snapshot() -> dict[tuple[str, int], dict]:
    """Every row of the tables retention touches, by (model, id)."""
    return {(model.__name__, row["id"]): row for model in MODELS for row in model.objects.values()}


@pytest.fixture
def now() -> datetime:
    return timezone.now()

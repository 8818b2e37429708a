"""An application whose question waits too long for an answer is closed, with a line in
its log and no email; it then counts as decided, and goes when a decided one would. The
applicant may apply again."""

from __future__ import annotations

from datetime import timedelta

import pytest

from members import services
from members.models import Application, ApplicationEvent
from network import retention
from outbox.models import OutgoingEmail

from .conftest import asked, days_ago, question_asked_at, submitted


def test_a_question_unanswered_for_the_period_closes_the_application_with_an_event(
    alstrom, secretariat, now
):
    application = asked("Cleo Quiet", alstrom, secretariat)
    question_asked_at(application, days_ago(now, 90, older=True))
    emails = OutgoingEmail.objects.count()

    done = retention.carry_out(retention.plan(now))

    application.refresh_from_db()
    assert done["unanswered_applications"] == 1
    assert application.status == Application.Status.CLOSED
    assert application.decided_at == now
    assert application.decided_by is None
    closing = application.events.last()
    assert closing.action == ApplicationEvent.Action.CLOSED
    assert closing.by is None and closing.email is None
    assert str(closing).startswith("closed: no answer from the applicant")
    assert OutgoingEmail.objects.count() == emails
    assert not services.answer_information_request(application, "Dr. Holm, in Aarhus.")


def test_a_closed_application_goes_when_the_decided_period_has_passed_since_the_closing(
    alstrom, secretariat, now
):
    application = asked("Cleo Quiet", alstrom, secretariat)
    question_asked_at(application, days_ago(now, 90, older=True))
    retention.carry_out(retention.plan(now))

    kept = retention.plan(now + timedelta(days=180) - timedelta(hours=1))
    gone = retention.plan(now + timedelta(days=180) + timedelta(hours=1))

    assert application.pk not in kept.members.decided
    assert list(gone.members.decided) == [application.pk]
    retention.carry_out(gone)
    assert not Application.objects.filter(pk=application.pk).exists()


def test_the_last_question_counts_when_there_were_several(alstrom, secretariat, now):
    application = asked("Cleo Quiet", alstrom, secretariat)
    question_asked_at(application, days_ago(now, 120, older=True))
    services.answer_information_request(application, "Dr. Holm.")
    services.request_information(application, "In which year?", by=secretariat)

    assert retention.plan(now).members.unanswered == {}


def test_the_applicant_may_apply_again_once_the_application_is_closed(alstrom, secretariat, now):
    application = asked("Cleo Quiet", alstrom, secretariat)
    with pytest.raises(services.ApplicationRefused):
        submitted("Cleo Quiet", alstrom)
    question_asked_at(application, days_ago(now, 90, older=True))
    retention.carry_out(retention.plan(now))

    again = submitted("Cleo Quiet", alstrom)

    assert again.status == Application.Status.UNCONFIRMED

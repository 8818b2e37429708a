"""Confirming the email address through the signed link: only then does the application
reach the review queue. A link that is broken, forged or too old changes nothing."""

from __future__ import annotations

import time
from datetime import timedelta
from unittest import mock

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from members import services
from members.models import Application, ApplicationEvent

from .conftest import submitted
from .test_valid_application import CONFIRM_LINK

LINK_DOES_NOT_WORK = "This link does not work"
CONFIRMED = "Your email is confirmed"


def confirm_url(token: str) -> str:
    return reverse("members:confirm", args=[token])


def token_for(
    application: Application,
    *,
    age: timedelta = timedelta(0),
    salt: str = services.CONFIRMATION_SALT,
    payload=None,
):
    """A link's token as the app signs it (the application's random link token, or else
    `payload`), made `age` ago."""
    with mock.patch(
        "django.core.signing.time.time", return_value=time.time() - age.total_seconds()
    ):
        return signing.dumps(application.link_token if payload is None else payload, salt=salt)


@pytest.fixture
def application(alstrom, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        application = submitted("Freja Christensen", alstrom)
    return application


def link_in_email(mailoutbox) -> str:
    [email] = mailoutbox
    [link] = CONFIRM_LINK.findall(email.body)
    return link


def assert_unchanged(application: Application) -> None:
    application.refresh_from_db()
    assert application.status == Application.Status.UNCONFIRMED
    assert application.confirmed_at is None
    assert not application.events.filter(action=ApplicationEvent.Action.CONFIRMED).exists()
    assert not Application.objects.awaiting_review().exists()


def test_the_link_in_the_email_puts_the_application_in_the_review_queue(
    client, application, mailoutbox
):
    before = timezone.now()

    response = client.get(link_in_email(mailoutbox))

    assert response.status_code == 200
    assert CONFIRMED in response.content.decode()
    assert "Your application is now with the secretariat" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.AWAITING_REVIEW
    assert before <= application.confirmed_at <= timezone.now()
    assert list(Application.objects.awaiting_review()) == [application]
    assert application.events.filter(action=ApplicationEvent.Action.CONFIRMED).count() == 1


def test_following_the_link_twice_is_harmless(client, application, mailoutbox):
    link = link_in_email(mailoutbox)
    client.get(link)
    application.refresh_from_db()
    first_confirmed_at = application.confirmed_at

    response = client.get(link)

    assert response.status_code == 200
    assert CONFIRMED in response.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.AWAITING_REVIEW
    assert application.confirmed_at == first_confirmed_at
    assert application.events.filter(action=ApplicationEvent.Action.CONFIRMED).count() == 1


def test_the_link_after_a_decision_says_so_and_changes_nothing(
    client, application, mailoutbox, secretariat
):
    link = link_in_email(mailoutbox)
    client.get(link)
    services.reject_application(application, "Not rare enough.", by=secretariat)

    response = client.get(link)

    assert response.status_code == 200
    assert "Your application has been handled already" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Application.Status.REJECTED


def tampered_tokens(application: Application, other: Application) -> dict[str, str]:
    good = token_for(application)
    payload, rest = good.split(":", 1)
    other_payload = token_for(other).split(":", 1)[0]
    return {
        "signature-changed": good[:-1] + ("A" if good[-1] != "A" else "B"),
        "signature-cut-off": good.rsplit(":", 1)[0],
        "pointed-at-another-application": f"{other_payload}:{rest}",
        "signed-with-another-salt": token_for(application, salt="members.other.purpose"),
        "an-answer-link": services.information_url(application, 1).rsplit("/", 2)[-2],
        "not-a-token": "hello",
    }


@pytest.mark.parametrize(
    "tampering",
    [
        "signature-changed",
        "signature-cut-off",
        "pointed-at-another-application",
        "signed-with-another-salt",
        "an-answer-link",
        "not-a-token",
    ],
)
def test_a_tampered_link_does_not_work_and_changes_nothing(client, application, kabuki, tampering):
    other = submitted("Aud Hansen", kabuki)
    token = tampered_tokens(application, other)[tampering]

    response = client.get(confirm_url(token))

    assert response.status_code == 400
    assert LINK_DOES_NOT_WORK in response.content.decode()
    assert_unchanged(application)
    assert_unchanged(other)


def test_the_link_names_a_random_token_and_not_the_applications_id(application, mailoutbox):
    token = link_in_email(mailoutbox).rstrip("/").rsplit("/", 1)[-1]

    named = signing.loads(token, salt=services.CONFIRMATION_SALT)

    assert named == application.link_token
    assert len(named) >= 43, "256 random bits, in URL-safe base64"


def test_an_old_link_that_names_the_id_no_longer_works(client, application):
    token = token_for(application, payload=application.pk)

    response = client.get(confirm_url(token))

    assert response.status_code == 400
    assert LINK_DOES_NOT_WORK in response.content.decode()
    assert_unchanged(application)


def test_each_application_has_its_own_link_token(application, kabuki):
    other = submitted("Aud Hansen", kabuki)

    assert other.link_token != application.link_token


def test_a_link_for_an_application_that_is_gone_does_not_work(client, application):
    token = token_for(application)
    application.delete()

    response = client.get(confirm_url(token))

    assert response.status_code == 400
    assert LINK_DOES_NOT_WORK in response.content.decode()


def test_a_link_older_than_the_maximum_age_does_not_work(client, application, settings):
    settings.NETWORK_CONFIRMATION_MAX_AGE = 14 * 24 * 3600
    token = token_for(application, age=timedelta(days=15))

    response = client.get(confirm_url(token))

    assert response.status_code == 400
    assert LINK_DOES_NOT_WORK in response.content.decode()
    assert_unchanged(application)


def test_a_link_within_the_maximum_age_still_works(client, application, settings):
    settings.NETWORK_CONFIRMATION_MAX_AGE = 14 * 24 * 3600
    token = token_for(application, age=timedelta(days=13))

    response = client.get(confirm_url(token))

    assert response.status_code == 200
    application.refresh_from_db()
    assert application.status == Application.Status.AWAITING_REVIEW


def test_the_emailed_link_expires_with_the_configured_maximum_age(
    client, application, mailoutbox, settings
):
    settings.NETWORK_CONFIRMATION_MAX_AGE = -1

    response = client.get(link_in_email(mailoutbox))

    assert response.status_code == 400
    assert LINK_DOES_NOT_WORK in response.content.decode()
    assert_unchanged(application)

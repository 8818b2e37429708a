"""An answer link answers one question: the one its email asked. It takes no answer once a
newer question has been asked or the application has been decided, and it names a random
token of the application's, signed, never its id. A confirmation link cannot answer, nor
an answer link confirm."""

from __future__ import annotations

import re

import pytest
from django.core import signing
from django.urls import reverse

from members import services
from members.models import Application, ApplicationEvent

from .conftest import confirmed
from .page import Page

ANSWER_LINK = re.compile(r"https?://\S+/apply/answer/\S+/")
NO_LONGER = "This link is no longer in use"


@pytest.fixture
def ask(secretariat, mailoutbox, django_capture_on_commit_callbacks):
    """Ask the applicant a question; returns the link in the email."""

    def asking(application: Application, question: str) -> str:
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            services.request_information(application, question, by=secretariat)
        [email] = mailoutbox
        return ANSWER_LINK.search(email.body).group(0)

    return asking


@pytest.fixture
def application(db, alstrom, mailoutbox):
    return confirmed("Freja Christensen", alstrom)


def named_by(link: str) -> list:
    """What an answer link names, once its signature is checked: [link token, question]."""
    token = link.rstrip("/").rsplit("/", 1)[-1]
    return signing.loads(token, salt=services.INFORMATION_SALT)


def answers(application: Application) -> list[str]:
    received = application.events.filter(action=ApplicationEvent.Action.INFORMATION_RECEIVED)
    return list(received.values_list("note", flat=True))


def test_the_link_names_the_question_and_a_random_token_not_the_id(ask, application):
    link = ask(application, "Which hospital?")

    assert named_by(link) == [application.link_token, 1]


def test_an_older_link_takes_no_answer_once_a_newer_question_is_asked(
    client, ask, application, secretariat
):
    first = ask(application, "Which hospital?")
    client.post(first, {"answer": "Rigshospitalet."})
    second = ask(application, "Which department?")

    old = client.post(first, {"answer": "An answer to the old question."})

    assert old.status_code == 410
    assert NO_LONGER in Page(old.content).text
    assert "We have asked you something new since" in Page(old.content).text
    assert client.get(first).status_code == 410
    new = client.post(second, {"answer": "Klinisk genetik."})
    assert "Thank you for your answer" in Page(new.content).text
    assert answers(application) == ["Rigshospitalet.", "Klinisk genetik."]


def test_a_link_takes_no_answer_once_the_application_is_decided(
    client, ask, application, secretariat
):
    link = ask(application, "Which hospital?")
    services.reject_application(application, "We did not hear from you.", by=secretariat)

    response = client.post(link, {"answer": "Too late."})

    assert response.status_code == 410
    assert NO_LONGER in Page(response.content).text
    assert "Rejected" not in Page(response.content).text, "the link says no more than it must"
    assert answers(application) == []
    application.refresh_from_db()
    assert application.status == Application.Status.REJECTED


def test_an_answered_link_thanks_again_and_takes_no_second_answer(client, ask, application):
    link = ask(application, "Which hospital?")
    client.post(link, {"answer": "Rigshospitalet."})

    again = client.post(link, {"answer": "A second answer."})

    assert again.status_code == 200
    assert "Thank you for your answer" in Page(again.content).text
    assert client.get(link).status_code == 200
    assert answers(application) == ["Rigshospitalet."]


def test_the_service_takes_no_answer_to_an_older_question(application, secretariat, ask):
    ask(application, "Which hospital?")
    services.answer_information_request(application, "Rigshospitalet.")
    ask(application, "Which department?")

    taken = services.answer_information_request(application, "Old.", question=1)

    assert not taken
    assert services.answer_information_request(application, "New.", question=2)
    assert answers(application) == ["Rigshospitalet.", "New."]


def test_a_link_for_another_question_number_is_refused(client, ask, application):
    ask(application, "Which hospital?")

    response = client.get(services.information_url(application, 2))

    assert response.status_code == 410


@pytest.mark.parametrize(
    "forged",
    [
        pytest.param(lambda a: signing.dumps(a.pk, salt=services.INFORMATION_SALT), id="old-id"),
        pytest.param(
            lambda a: signing.dumps([a.pk, 1], salt=services.INFORMATION_SALT), id="id-and-number"
        ),
        pytest.param(
            lambda a: signing.dumps(a.link_token, salt=services.CONFIRMATION_SALT),
            id="confirmation-link",
        ),
        pytest.param(
            lambda a: signing.dumps(["x" * 43, 1], salt=services.INFORMATION_SALT),
            id="unknown-token",
        ),
    ],
)
def test_a_link_that_is_not_an_answer_link_is_refused(client, ask, application, forged):
    ask(application, "Which hospital?")

    response = client.post(
        reverse("members:answer", args=[forged(application)]), {"answer": "Hello"}
    )

    assert response.status_code == 400
    assert answers(application) == []


def test_an_answer_link_does_not_confirm(client, alstrom, secretariat):
    application = confirmed("Freja Christensen", alstrom)
    Application.objects.filter(pk=application.pk).update(status=Application.Status.UNCONFIRMED)
    token = services.information_url(application, 1).rstrip("/").rsplit("/", 1)[-1]

    response = client.get(reverse("members:confirm", args=[token]))

    assert response.status_code == 400
    application.refresh_from_db()
    assert application.status == Application.Status.UNCONFIRMED


def test_asking_again_between_drafting_and_sending_drafts_the_email_again(
    client, secretariat, application, ask
):
    """The drafted email's link names the next question; should another be asked (and
    answered) meanwhile, the email is drafted again, so that its link fits its question."""
    client.force_login(secretariat)
    url = reverse("admin:members_application_ask", args=[application.pk])
    drafted = client.post(url, {"draft": "Show the email", "question": "Which hospital?"})
    form = drafted.context["form"]
    assert named_by(ANSWER_LINK.search(form["text"].value()).group(0))[1] == 1
    ask(application, "Something else first?")
    services.answer_information_request(application, "Yes.")

    fields = {name: form[name].value() for name in ("question", "subject", "text", "drafted_for")}
    response = client.post(url, {**fields, "send": "Send"})

    assert response.status_code == 200, "not sent: drafted again"
    redrafted = response.context["form"]["text"].value()
    assert named_by(ANSWER_LINK.search(redrafted).group(0))[1] == 2
    assert services.questions_asked(application) == 1

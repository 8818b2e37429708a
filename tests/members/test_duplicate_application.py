"""Applying twice with one email address for one diagnosis. Whether an address has applied
for a rare diagnosis is nobody's business but its owner's: the visitor sees exactly what a
new application shows, and nothing new is recorded. The first application's log notes the
attempt for staff, and the owner of the address is told by email, at most once a day.
Another diagnosis is another application."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from members import services
from members.models import Application, ApplicationEvent, Consent
from outbox.models import OutgoingEmail

from ..conftest import applicant
from .conftest import submitted
from .page import Page

APPLIED_AGAIN = "has just sent our application form again with this email address"
CONFIRM_LINK = re.compile(r"https?://\S+/apply/confirm/\S+/")
UNIQUE_PER_ANSWER = {"Set-Cookie", "Expires"}
CSRF_TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def apply(db, client, mailoutbox, django_capture_on_commit_callbacks):
    # db before mailoutbox: setting up the test database starts a fresh outbox.
    def send(data: dict, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("members:apply"), data, **kwargs)

    return send


def as_seen(response) -> tuple:
    """What the visitor learns from an answer: status, where it sends them, every page on
    the way and its headers (but for the session's CSRF token, new on every page, and the
    Expires date, which is the clock's second and differs only when a second turns)."""
    pages = [CSRF_TOKEN.sub(b"", response.content)]
    return (
        response.status_code,
        response.redirect_chain,
        pages,
        sorted(
            (name, value)
            for name, value in response.headers.items()
            if name not in UNIQUE_PER_ANSWER
        ),
    )


def applied_again_events(application: Application):
    return application.events.filter(action=ApplicationEvent.Action.APPLIED_AGAIN)


def test_a_known_and_an_unknown_email_get_the_same_status_page_and_redirect(apply, alstrom):
    assert apply(applicant("Freja Christensen", alstrom)).status_code == 302

    known = apply(applicant("Freja Christensen", alstrom), follow=True)
    unknown = apply(applicant("Bo Dahl", alstrom), follow=True)

    assert known.redirect_chain == [(reverse("members:application_sent"), 302)]
    assert as_seen(known) == as_seen(unknown)
    # And without following the redirect: the same status and Location.
    first = apply(applicant("Freja Christensen", alstrom))
    second = apply(applicant("Ida Holm", alstrom))
    assert (first.status_code, first["Location"]) == (second.status_code, second["Location"])


@pytest.mark.parametrize(
    "email",
    [
        "freja.christensen@example.org",
        "Freja.Christensen@Example.ORG",
        "FREJA.CHRISTENSEN@EXAMPLE.ORG",
    ],
)
def test_the_same_email_for_the_same_diagnosis_records_nothing_new_and_tells_the_owner(
    apply, alstrom, mailoutbox, email
):
    assert apply(applicant("Freja Christensen", alstrom)).status_code == 302
    [first] = Application.objects.all()

    response = apply(applicant("Someone Else", alstrom, email=email, note="Igen"))

    assert response.status_code == 302
    assert response["Location"] == reverse("members:application_sent")
    assert Application.objects.count() == 1
    assert Consent.objects.count() == 5
    assert not Application.objects.filter(full_name="Someone Else").exists()
    assert not ApplicationEvent.objects.filter(note__contains="Igen").exists()
    [event] = applied_again_events(first)
    assert event.by is None
    confirmation, told = mailoutbox
    assert told.to == ["freja.christensen@example.org"]
    assert "Dear Freja Christensen," in told.body, "written to the owner, by their name"
    assert APPLIED_AGAIN in told.body
    assert "Someone Else" not in told.body
    assert event.email.recipient == "freja.christensen@example.org"


def test_an_unconfirmed_owner_is_sent_a_fresh_link_that_confirms(
    apply, client, alstrom, mailoutbox
):
    apply(applicant("Freja Christensen", alstrom))
    mailoutbox.clear()

    apply(applicant("Freja Christensen", alstrom))

    [told] = mailoutbox
    [link] = CONFIRM_LINK.findall(told.body)
    assert client.get(link).status_code == 200
    assert Application.objects.get().status == Application.Status.AWAITING_REVIEW


@pytest.mark.parametrize(
    ("state", "said"),
    [
        ("awaiting_review", "Your application is with the secretariat."),
        ("approved", "The secretariat has already answered your application"),
    ],
)
def test_an_application_further_along_still_counts(
    apply, alstrom, secretariat, mailoutbox, state, said
):
    assert apply(applicant("Freja Christensen", alstrom)).status_code == 302
    first = Application.objects.get()
    services.confirm_email(first)
    if state == "approved":
        services.approve_application(first, by=secretariat)
    mailoutbox.clear()

    response = apply(applicant("Freja Christensen", alstrom, email="Freja.Christensen@example.org"))

    assert response.status_code == 302
    assert Application.objects.count() == 1
    [told] = mailoutbox
    assert said in told.body
    assert not CONFIRM_LINK.search(told.body)


def test_the_same_email_for_the_same_diagnosis_typed_as_free_text_counts_too(apply, mailoutbox):
    data = applicant("Freja Christensen", diagnosis_query="Helt ukendt syndrom XY")
    assert apply(data).status_code == 302

    response = apply(
        {
            **data,
            "email": "FREJA.christensen@example.org",
            "diagnosis_query": "helt ukendt syndrom xy",
        }
    )

    assert response.status_code == 302
    assert Application.objects.count() == 1
    assert applied_again_events(Application.objects.get()).count() == 1
    assert len(mailoutbox) == 2


def test_the_owner_is_told_at_most_once_a_day_and_staff_see_every_attempt(
    apply, alstrom, mailoutbox, settings
):
    settings.NETWORK_APPLIED_AGAIN_EMAIL_HOURS = 24
    apply(applicant("Freja Christensen", alstrom))
    first = Application.objects.get()
    mailoutbox.clear()

    for _attempt in range(3):
        assert apply(applicant("Freja Christensen", alstrom)).status_code == 302

    assert len(mailoutbox) == 1
    events = list(applied_again_events(first))
    assert len(events) == 3
    assert events[0].email is not None
    assert [event.email for event in events[1:]] == [None, None]
    assert "less than 24 hours ago" in events[1].note

    OutgoingEmail.objects.filter(kind=services.APPLIED_AGAIN_EMAIL).update(
        created_at=events[0].email.created_at - timedelta(hours=25)
    )
    apply(applicant("Freja Christensen", alstrom))

    assert len(mailoutbox) == 2


def test_staff_see_the_attempt_in_the_applications_history(apply, client, alstrom, secretariat):
    apply(applicant("Freja Christensen", alstrom))
    apply(applicant("Freja Christensen", alstrom))
    first = Application.objects.get()

    client.force_login(secretariat)
    page = Page(client.get(reverse("admin:members_application_change", args=[first.pk])).content)

    assert "applied again with the same email address" in page.text
    assert "Your email address was used to apply" in page.text, "the email, linked"


def test_the_same_email_for_another_diagnosis_is_a_new_application(
    apply, alstrom, kabuki, mailoutbox
):
    assert apply(applicant("Freja Christensen", alstrom)).status_code == 302

    response = apply(applicant("Freja Christensen", kabuki, email="Freja.Christensen@example.org"))

    assert response.status_code == 302
    assert {a.diagnosis for a in Application.objects.all()} == {alstrom, kabuki}
    assert Consent.objects.count() == 10
    assert len(mailoutbox) == 2
    assert not ApplicationEvent.objects.filter(action=ApplicationEvent.Action.APPLIED_AGAIN)


def test_the_same_email_for_another_free_text_diagnosis_is_a_new_application(apply):
    assert apply(applicant("Freja Christensen", diagnosis_query="Syndrom XY")).status_code == 302

    response = apply(applicant("Freja Christensen", diagnosis_query="Syndrom Z"))

    assert response.status_code == 302
    assert Application.objects.count() == 2


def test_after_a_rejection_the_applicant_may_apply_again(apply, alstrom, secretariat):
    assert apply(applicant("Freja Christensen", alstrom)).status_code == 302
    services.reject_application(
        Application.objects.get(), "Please send a doctor's note.", by=secretariat
    )

    response = apply(applicant("Freja Christensen", alstrom))

    assert response.status_code == 302
    assert Application.objects.filter(status=Application.Status.UNCONFIRMED).count() == 1
    assert Application.objects.count() == 2


def test_the_service_says_the_application_exists_and_which(alstrom):
    first = submitted("Freja Christensen", alstrom)

    with pytest.raises(services.AlreadyApplied) as refused:
        submitted("Freja Christensen", alstrom)

    assert refused.value.application == first
    assert isinstance(refused.value, services.ApplicationRefused)

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlparse

import pytest
from django.core import mail
from django.utils import timezone

from meetups import links
from meetups.models import Registration
from members.consents import ConsentKind

from ..mailings.people import person


@pytest.fixture
def invited(meetup):
    member = person("Anna Berg", consents={ConsentKind.MEETUPS: True}, index=1)
    return Registration.objects.create(event=meetup, person=member)


def path(registration, name="meetups:registration") -> str:
    return urlparse(links.url(registration, name)).path


@pytest.mark.django_db
def test_numbers_out_of_bounds_are_refused_at_the_field(client, invited):
    response = client.post(path(invited), {"adults": "1", "children": "40", "note": "Kept"})
    assert response.status_code == 200
    form = response.context["form"]
    assert "children" in form.errors
    assert form["note"].value() == "Kept"
    response = client.post(path(invited), {"adults": "0", "children": "0"})
    assert "Register at least one person" in str(response.context["form"].errors["adults"])
    invited.refresh_from_db()
    assert invited.status == Registration.Status.INVITED


@pytest.mark.django_db
def test_after_the_deadline_a_clear_page_and_no_change(client, invited, meetup):
    meetup.registration_deadline = timezone.now() - timedelta(minutes=1)
    meetup.save()
    response = client.post(path(invited), {"adults": "2", "children": "0"})
    assert response.status_code == 200
    assert "Registration is closed" in response.content.decode()
    invited.refresh_from_db()
    assert invited.status == Registration.Status.INVITED


@pytest.mark.django_db
def test_a_full_meetup_offers_the_waiting_list(client, invited, meetup):
    meetup.capacity = 1
    meetup.save()
    other = Registration.objects.create(
        event=meetup, person=person("Bo Lund", index=2), status="confirmed", adults=1
    )
    assert other.status == "confirmed"
    page = client.get(path(invited)).content.decode()
    assert "Join the waiting list" in page
    client.post(path(invited), {"adults": "1", "children": "1"})
    invited.refresh_from_db()
    assert invited.status == Registration.Status.WAITING


@pytest.mark.django_db
def test_a_tampered_or_replaced_link_offers_a_new_one(
    client, invited, django_capture_on_commit_callbacks
):
    old = path(invited)
    response = client.get(old[:-4] + "abc/")
    assert response.status_code == 400
    assert "Ask for a new link" in response.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/meetups/new-link/", {"email": "anna.berg@example.org"})
    assert response.status_code == 302
    [email] = mail.outbox
    invited.refresh_from_db()
    assert client.get(old).status_code == 400
    assert urlparse(links.url(invited)).path in email.body
    assert client.get(path(invited)).status_code == 200
    # An address that is nobody's gets the same answer, and nothing is sent.
    response = client.post("/meetups/new-link/", {"email": "nobody@example.org"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1

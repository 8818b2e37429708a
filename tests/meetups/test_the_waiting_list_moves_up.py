from __future__ import annotations

from urllib.parse import urlparse

import pytest
from django.core import mail

from meetups import links, services
from meetups.models import Registration
from members.consents import ConsentKind

from ..mailings.people import people, person

MEETUPS = ConsentKind.MEETUPS


@pytest.mark.django_db
def test_twelve_for_ten_places_two_wait_and_the_first_moves_up_on_a_cancel(
    meetup, secretariat, client, django_capture_on_commit_callbacks
):
    members = people(12, consents={MEETUPS: True}, languages=["en", "da"], prefix="Guest")
    person("Not Asked", consents={MEETUPS: False}, index=99)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.invite(meetup, by=secretariat) == 12
        assert services.invite(meetup, by=secretariat) == 0
    invitations = {m.to[0]: m for m in mail.outbox}
    assert set(invitations) == {p.email for p in members}
    assert invitations[members[1].email].subject == "Invitation: Sjældne-træf"
    mail.outbox.clear()

    in_order = Registration.objects.filter(event=meetup).order_by("person__email")
    for registration in in_order:
        url = urlparse(links.url(registration)).path
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"adults": "1", "children": "0"})
        assert response.status_code == 302
    registrations = list(in_order.all())
    statuses = [registration.status for registration in registrations]
    assert statuses == ["confirmed"] * 10 + ["waiting"] * 2
    first_waiting = registrations[10]
    assert services.waiting_position(first_waiting) == 1
    # The page is in the member's language (English or Danish here).
    last = client.get(urlparse(links.url(registrations[11])).path).content.decode()
    assert "waiting list, number 2" in last or "ventelisten som nummer 2" in last
    mail.outbox.clear()

    leaving = registrations[3]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(urlparse(links.url(leaving, "meetups:cancel")).path)
    assert response.status_code == 302
    first_waiting.refresh_from_db()
    assert first_waiting.status == Registration.Status.CONFIRMED
    registrations[11].refresh_from_db()
    assert registrations[11].status == Registration.Status.WAITING
    moved = [m for m in mail.outbox if m.to[0] == first_waiting.person.email]
    assert len(moved) == 1
    assert moved[0].subject in ("A place is yours: Rare days", "A place is yours: Sjældne-træf")
    assert services.counts(meetup)["confirmed"] == 10


@pytest.mark.django_db
def test_a_registered_family_cannot_grow_past_the_free_places(meetup):
    big = person("Big Family", consents={MEETUPS: True}, index=1)
    other = person("Other", consents={MEETUPS: True}, index=2)
    first = Registration.objects.create(event=meetup, person=big)
    second = Registration.objects.create(event=meetup, person=other)
    services.register(first, adults=2, children=6)
    services.register(second, adults=2, children=0)
    with pytest.raises(services.NotEnoughPlaces) as refusal:
        services.register(second, adults=2, children=2)
    assert refusal.value.most == 2
    second.refresh_from_db()
    assert (second.status, second.people) == ("confirmed", 2)


@pytest.mark.django_db
def test_a_member_who_leaves_the_network_gives_their_place_to_the_waiting_list(
    meetup, django_capture_on_commit_callbacks
):
    from members.privacy import leave_network

    meetup.capacity = 1
    meetup.save()
    leaving = Registration.objects.create(event=meetup, person=person("Anna Berg", index=1))
    waiting = Registration.objects.create(event=meetup, person=person("Bo Lund", index=2))
    services.register(leaving, adults=1, children=0)
    services.register(waiting, adults=1, children=0)
    with django_capture_on_commit_callbacks(execute=True):
        leave_network(leaving.person)
    waiting.refresh_from_db()
    assert waiting.status == Registration.Status.CONFIRMED
    assert not Registration.objects.filter(pk=leaving.pk).exists()

"""The people list filtered by each consent; each person's page with their mailings,
meetup registrations and online-group status; the online group's invitations and record."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import override_settings

from mailings import services
from mailings.models import Mailing, OnlineGroupStatus
from meetups.models import Event, Registration
from members.consents import ConsentKind
from members.services import change_consent

from .people import person

MAILINGS, MEETUPS, ONLINE = ConsentKind.MAILINGS, ConsentKind.MEETUPS, ConsentKind.ONLINE_GROUP


@pytest.fixture
def staff_client(client, secretariat):
    client.force_login(secretariat)
    return client


def names(response) -> set[str]:
    return {p.full_name for p in response.context["cl"].result_list}


@pytest.mark.django_db
def test_people_are_filtered_by_each_consent(staff_client):
    person("Anna Given", consents={MAILINGS: True, MEETUPS: False}, index=1)
    withdrawn = person("Bo Withdrawn", consents={MAILINGS: True, MEETUPS: True}, index=2)
    change_consent(withdrawn, MAILINGS, False, by=None)
    person("Carl Never", consents={MAILINGS: False}, index=3)
    url = "/admin/members/person/"
    assert names(staff_client.get(url, {"consent_mailings": "given"})) == {"Anna Given"}
    assert names(staff_client.get(url, {"consent_mailings": "withdrawn"})) == {"Bo Withdrawn"}
    assert names(staff_client.get(url, {"consent_mailings": "never"})) == {"Carl Never"}
    assert names(staff_client.get(url, {"consent_meetups": "given"})) == {"Bo Withdrawn"}
    assert names(staff_client.get(url, {"consent_online_group": "never"})) == {
        "Anna Given",
        "Bo Withdrawn",
        "Carl Never",
    }


@override_settings(NETWORK_ONLINE_GROUP_URL="https://groups.example.org/secret-group")
@pytest.mark.django_db
def test_the_online_group_invitation_record_and_removal(
    staff_client, secretariat, django_capture_on_commit_callbacks
):
    anna = person("Anna Berg", language="sv", consents={ONLINE: True}, index=1)
    person("Bo Lund", consents={ONLINE: False}, index=2)
    url = "/admin/mailings/onlinegroupmember/"
    assert names(staff_client.get(url, {"online_group": "not_invited"})) == {"Anna Berg"}

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(url, {"action": "invite", "_selected_action": [anna.pk]})
        staff_client.post(url, {"action": "invite", "_selected_action": [anna.pk]})
    assert [m.to[0] for m in mail.outbox] == [anna.email, anna.email]
    assert "https://groups.example.org/secret-group" in mail.outbox[0].body
    status = OnlineGroupStatus.objects.get(person=anna)
    assert (status.status, status.invitations) == ("invited", 2)

    staff_client.post(url, {"action": "record_joined", "_selected_action": [anna.pk]})
    assert names(staff_client.get(url, {"online_group": "joined"})) == {"Anna Berg"}
    assert not names(staff_client.get(url, {"online_group": "to_be_removed"}))

    change_consent(anna, ONLINE, False, by=None)
    listed = staff_client.get(url, {"online_group": "to_be_removed"})
    assert names(listed) == {"Anna Berg"}
    assert "to be removed from the online group" in listed.content.decode()

    # Nobody who withdrew is invited again.
    with pytest.raises(services.OnlineGroupRefused):
        services.invite_to_online_group(anna, by=secretariat)


@override_settings(NETWORK_ONLINE_GROUP_URL="https://groups.example.org/secret-group")
@pytest.mark.django_db
def test_the_person_page_shows_mailings_registrations_and_online_group(
    staff_client, secretariat, django_capture_on_commit_callbacks
):
    anna = person("Anna Berg", consents={MAILINGS: True, ONLINE: True, MEETUPS: True}, index=1)
    mailing = Mailing.objects.create(texts={"en": {"subject": "Spring news", "body": "Hi"}})
    with django_capture_on_commit_callbacks(execute=True):
        services.send_mailing(mailing, by=secretariat)
        services.invite_to_online_group(anna, by=secretariat)
    event = Event.objects.create(
        texts={"en": {"title": "Rare meetup"}},
        starts_at="2030-06-01T10:00Z",
        registration_deadline="2030-05-01T10:00Z",
        place="Nyborg",
        capacity=10,
    )
    Registration.objects.create(event=event, person=anna, status="confirmed", adults=2)
    page = staff_client.get(f"/admin/members/person/{anna.pk}/change/").content.decode()
    assert "Spring news" in page
    assert "Rare meetup" in page
    assert "registered" in page
    assert "invited" in page


@pytest.mark.django_db
def test_where_a_person_stands_is_their_latest_record_of_each_consent(staff_client):
    changing = person("Dina Changes", consents={MAILINGS: True, ONLINE: True}, index=4)
    change_consent(changing, MAILINGS, False, by=None)
    change_consent(changing, MAILINGS, True, by=None)
    change_consent(changing, ONLINE, False, by=None)
    url = "/admin/members/person/"

    assert names(staff_client.get(url, {"consent_mailings": "given"})) == {"Dina Changes"}
    assert names(staff_client.get(url, {"consent_mailings": "withdrawn"})) == set()
    assert names(staff_client.get(url, {"consent_online_group": "withdrawn"})) == {"Dina Changes"}
    current = changing.consents.filter(is_current=True)
    assert sorted(current.values_list("kind", "given")) == [(MAILINGS, True), (ONLINE, False)]

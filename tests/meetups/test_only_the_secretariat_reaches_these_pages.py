from __future__ import annotations

import pytest
from django.urls import reverse

from mailings.models import Mailing, MailingRecipient
from meetups.models import Registration
from members.consents import ConsentKind

from ..mailings.people import person


@pytest.mark.django_db
def test_the_secretariat_reaches_every_page_and_the_consultant_none(
    client, secretariat, consultant, meetup
):
    member = person("Ottilie Brandqvist", consents={ConsentKind.ONLINE_GROUP: True})
    mailing = Mailing.objects.create(texts={"en": {"subject": "News", "body": "Hi"}})
    recipient = MailingRecipient.objects.create(mailing=mailing, person=member)
    registration = Registration.objects.create(event=meetup, person=member)
    urls = [
        reverse("admin:mailings_mailing_changelist"),
        reverse("admin:mailings_mailing_change", args=[mailing.pk]),
        reverse("admin:mailings_mailing_send", args=[mailing.pk]),
        reverse("admin:mailings_mailingrecipient_changelist"),
        reverse("admin:mailings_mailingrecipient_change", args=[recipient.pk]),
        reverse("admin:mailings_onlinegroupmember_changelist"),
        reverse("admin:meetups_event_changelist"),
        reverse("admin:meetups_event_change", args=[meetup.pk]),
        reverse("admin:meetups_event_invite", args=[meetup.pk]),
        reverse("admin:meetups_event_participants_csv", args=[meetup.pk]),
        reverse("admin:meetups_event_participants_xlsx", args=[meetup.pk]),
        reverse("admin:meetups_event_badges", args=[meetup.pk]),
        reverse("admin:meetups_registration_changelist"),
        reverse("admin:meetups_registration_change", args=[registration.pk]),
    ]
    client.force_login(secretariat)
    assert {url: client.get(url).status_code for url in urls} == dict.fromkeys(urls, 200)
    client.force_login(consultant)
    for url in urls:
        response = client.get(url)
        assert response.status_code in (403, 404), url
        assert "Brandqvist" not in response.content.decode()

"""A member gives or withdraws the optional consents (mailings, the online group, meetups),
each shown with its text and recorded with the version of that text; the required ones
are shown, with the way to withdraw them: leaving."""

from __future__ import annotations

from django.urls import reverse

from members.consents import CONSENT_TEXTS, ConsentKind
from members.services import current_consents

from ..members.page import Page


def test_a_member_withdraws_one_consent_and_keeps_the_others(group_a, client, sign_in):
    mette, _jonas = group_a
    sign_in(mette)
    page = Page(client.get(reverse("selfservice:consents")).content)
    for kind in (ConsentKind.MAILINGS, ConsentKind.ONLINE_GROUP, ConsentKind.MEETUPS):
        assert str(CONSENT_TEXTS[kind].text) in page.text
        assert page.value(kind) == "on"

    response = client.post(
        reverse("selfservice:consents"),
        {ConsentKind.ONLINE_GROUP: "on", ConsentKind.MEETUPS: "on"},
    )

    assert response.status_code == 302
    consents = current_consents(mette)
    assert consents[ConsentKind.MAILINGS].given is False
    assert consents[ConsentKind.MAILINGS].recorded_by is None
    assert consents[ConsentKind.MAILINGS].version == CONSENT_TEXTS[ConsentKind.MAILINGS].version
    assert consents[ConsentKind.ONLINE_GROUP].given is True
    assert consents[ConsentKind.SHARE_CONTACT_DETAILS].given is True
    overview = Page(client.get(response["Location"]).content).text
    assert "Your choices are saved." in overview
    assert "Information mailings: no" in overview
    assert "Meetup invitations: yes" in overview


def test_a_withdrawn_consent_can_be_given_again(group_a, client, sign_in):
    mette, _jonas = group_a
    sign_in(mette)
    client.post(reverse("selfservice:consents"), {})
    assert not any(
        consent.given
        for kind, consent in current_consents(mette).items()
        if not CONSENT_TEXTS[kind].required
    )

    client.post(reverse("selfservice:consents"), {ConsentKind.MEETUPS: "on"})

    assert current_consents(mette)[ConsentKind.MEETUPS].given is True
    assert Page(client.get(reverse("selfservice:consents")).content).value("meetups") == "on"


def test_the_required_consents_are_shown_with_the_way_to_withdraw_them(group_a, client, sign_in):
    mette, _jonas = group_a
    sign_in(mette)

    page = Page(client.get(reverse("selfservice:consents")).content)

    assert str(CONSENT_TEXTS[ConsentKind.HEALTH_DATA].text) in page.text
    assert "To withdraw them, leave the network." in page.text
    assert page.controls(ConsentKind.HEALTH_DATA) == []

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from django.test import Client

from mailings import services
from members.consents import ConsentKind
from members.models import Consent

from .people import person

MAILINGS = ConsentKind.MAILINGS


def path_of(url: str) -> str:
    return urlparse(url).path


@pytest.mark.django_db
def test_the_one_click_post_withdraws_without_a_session_or_csrf_token():
    anna = person("Anna Berg", language="sv", consents={MAILINGS: True})
    url = path_of(services.unsubscribe_url(anna))
    assert url.startswith("/sv/")
    response = Client(enforce_csrf_checks=True).post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    latest = Consent.objects.filter(person=anna, kind=MAILINGS).latest("recorded_at", "pk")
    assert latest.given is False
    assert latest.recorded_by is None
    assert not services.receives_mailings(anna)
    # Again: nothing new recorded, still a calm answer.
    assert Client().post(url).status_code == 200
    assert Consent.objects.filter(person=anna, kind=MAILINGS).count() == 2


@pytest.mark.django_db
def test_opening_the_link_only_shows_a_button(client):
    anna = person("Anna Berg", consents={MAILINGS: True})
    response = client.get(path_of(services.unsubscribe_url(anna)))
    assert response.status_code == 200
    assert "Receive no more mailings" in response.content.decode()
    assert services.receives_mailings(anna)


@pytest.mark.django_db
def test_a_tampered_link_gets_a_clear_page(client):
    anna = person("Anna Berg", consents={MAILINGS: True})
    url = path_of(services.unsubscribe_url(anna))
    response = client.post(url[:-3] + "xx/")
    assert response.status_code == 400
    assert "This link does not work" in response.content.decode()
    assert services.receives_mailings(anna)

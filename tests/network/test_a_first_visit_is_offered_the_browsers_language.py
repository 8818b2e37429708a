"""A visitor who has not chosen a language, whose browser asks for one the network offers
other than its default, is redirected from an unprefixed public page to that language's
page; a sent link, a staff or sign-in page, a form sent, or a choice made is left alone."""

from __future__ import annotations

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

SWEDISH = {"HTTP_ACCEPT_LANGUAGE": "sv-SE,sv;q=0.9,da;q=0.5"}


def test_an_unprefixed_page_is_offered_in_the_browsers_language(danish_site, client):
    response = client.get("/associations/?q=alstr%C3%B6m", **SWEDISH)

    assert response.status_code == 302
    assert response["Location"] == "/sv/associations/?q=alstr%C3%B6m"
    assert "Accept-Language" in response["Vary"] and "Cookie" in response["Vary"]
    followed = client.get(response["Location"], **SWEDISH)
    assert followed.status_code == 200
    assert 'lang="sv"' in followed.content.decode()


def test_the_default_language_or_one_not_offered_stays_unprefixed(danish_site, client):
    assert client.get("/apply/", HTTP_ACCEPT_LANGUAGE="da").status_code == 200
    assert client.get("/apply/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9").status_code == 200
    assert client.get("/apply/").status_code == 200


@pytest.mark.parametrize("chosen", ["da", "en", "sv"])
def test_a_choice_made_is_never_overridden(danish_site, client, chosen):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = chosen

    response = client.get("/apply/", **SWEDISH)

    assert response.status_code == 200
    assert 'lang="da"' in response.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/apply/confirm/not-a-real-token/",
        "/apply/answer/not-a-real-token/",
        "/members/sign-in/not-a-real-token/",
        "/admin/login/",
        "/account/login/",
        "/i18n/setlang/",
        "/static/css/network.css",
        "/no-such-page/",
    ],
)
def test_links_with_tokens_and_pages_outside_the_languages_are_left_alone(
    danish_site, client, path
):
    response = client.get(path, **SWEDISH)

    assert not (response.status_code == 302 and response["Location"].startswith("/sv/"))


def test_a_form_sent_is_not_redirected(danish_site, client):
    response = client.post("/report/", {}, **SWEDISH)

    assert response.status_code == 200
    assert 'lang="da"' in response.content.decode()

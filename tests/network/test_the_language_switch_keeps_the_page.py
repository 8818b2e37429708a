"""The language switch sends the visitor to the page they were on, in the language they
chose, whichever language that page was in and whatever their cookie or browser said."""

from __future__ import annotations

from itertools import permutations

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def address(language: str, path: str) -> str:
    return path if language == "da" else f"/{language}{path}"


@pytest.mark.parametrize("browser_asks", ["da", "sv", "de"])
def test_each_language_switches_to_each_other(danish_site, client, browser_asks):
    codes = [code for code, _name in settings.LANGUAGES]
    for source, target in permutations(codes, 2):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = source
        response = client.post(
            "/i18n/setlang/",
            {"language": target, "next": address(source, "/apply/?q=x")},
            HTTP_ACCEPT_LANGUAGE=browser_asks,
        )

        assert response.status_code == 302
        assert response["Location"] == address(target, "/apply/?q=x"), (source, target)
        assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == target


def test_without_next_the_referring_page_is_kept(danish_site, client):
    response = client.post(
        "/i18n/setlang/",
        {"language": "fi"},
        HTTP_REFERER="http://testserver/nb/associations/",
    )

    assert response["Location"] == "http://testserver/fi/associations/"

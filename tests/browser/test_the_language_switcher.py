"""The language switch in the header, in a real browser: from any page, in any language,
choosing another lands on the same page in that language; and a visitor who has not chosen
is offered the language their browser asks for on arrival, once, and never against a choice."""

from __future__ import annotations

from itertools import permutations

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db(transaction=True)

LANGUAGES = ["da", "en", "sv", "nb", "fi"]


def address(live_server, language: str, path: str) -> str:
    """The page's address in `language`: Danish, the default, without a prefix."""
    prefix = "" if language == "da" else f"/{language}"
    return f"{live_server.url}{prefix}{path}"


def test_every_language_switches_to_every_other_on_the_same_page(danish_site, browser, live_server):
    assert [code for code, _name in settings.LANGUAGES] == LANGUAGES
    context = browser.new_context(locale="da")
    page = context.new_page()
    page.set_default_timeout(10_000)
    wrong = []
    # Every pair on the home page (Danish pages are unprefixed, every other language's
    # prefixed), and round the languages on a page with a path of its own.
    switches = [("/", source, target) for source, target in permutations(LANGUAGES, 2)]
    switches += [
        ("/apply/", *pair) for pair in zip(LANGUAGES, LANGUAGES[1:] + LANGUAGES[:1], strict=True)
    ]
    for path, source, target in switches:
        page.goto(address(live_server, source, path))
        assert page.get_attribute("html", "lang") == source
        page.select_option("#language", target)
        with page.expect_navigation():
            page.locator("header form button[type=submit]").click()
        landed = (page.url, page.get_attribute("html", "lang"))
        if landed != (address(live_server, target, path), target):
            wrong.append(f"{source} -> {target} on {path}: {landed}")
    context.close()

    assert wrong == []


@pytest.mark.parametrize(
    ("browser_asks", "chosen", "lands_on"),
    [
        ("sv-SE,sv;q=0.9,en;q=0.5", None, "sv"),
        ("fi", None, "fi"),
        ("de-DE,de;q=0.9,nb;q=0.8", None, "nb"),
        ("da-DK,da;q=0.9,en;q=0.5", None, "da"),
        ("de-DE,de;q=0.9", None, "da"),
        ("sv-SE,sv;q=0.9", "da", "da"),
        ("sv-SE,sv;q=0.9", "en", "da"),
    ],
)
def test_a_first_visit_is_offered_the_browsers_language_unless_one_was_chosen(
    danish_site, browser, live_server, browser_asks, chosen, lands_on
):
    context = browser.new_context(extra_http_headers={"Accept-Language": browser_asks})
    if chosen:
        context.add_cookies(
            [{"name": settings.LANGUAGE_COOKIE_NAME, "value": chosen, "url": live_server.url}]
        )
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/apply/?q=1")

    # A choice is never overridden, even by the browser: an unprefixed page stays Danish.
    assert page.url == address(live_server, lands_on, "/apply/?q=1")
    assert page.get_attribute("html", "lang") == lands_on
    if lands_on != "da":
        # Choosing Danish there is kept: the unprefixed page is not redirected again.
        page.select_option("#language", "da")
        with page.expect_navigation():
            page.locator("header form button[type=submit]").click()
        assert page.url == address(live_server, "da", "/apply/?q=1")
        assert page.get_attribute("html", "lang") == "da"
    context.close()

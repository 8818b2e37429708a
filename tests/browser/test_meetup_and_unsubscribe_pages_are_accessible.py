"""The public pages a member reaches from a mailing or a meetup invitation, in a real
browser: the unsubscribe page, the registration form (empty, with a number out of bounds,
and registered), the cancel page and the page asking for a new link. axe-core finds no WCAG
2.2 AA violation in Danish or English at 1280 and 320 px, and nothing scrolls sideways."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from django.urls import reverse
from django.utils import translation

from mailings import services as mailings
from meetups import links
from meetups.models import Registration
from members.consents import ConsentKind

from ..mailings.people import person
from ..meetups.conftest import meetup
from .axe import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)
__all__ = ["meetup"]


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_pages_from_mailings_and_invitations_have_no_violation(
    browser, live_server, meetup, language
):
    member = person(
        "Aud Hansen",
        language=language,
        consents={ConsentKind.MAILINGS: True, ConsentKind.MEETUPS: True},
    )
    registration = Registration.objects.create(event=meetup, person=member)
    with translation.override(language):
        unsubscribe = reverse("mailings:unsubscribe", args=[mailings.unsubscribe_token(member)])
        new_link = reverse("meetups:new_link")
    registering = urlparse(links.url(registration)).path
    cancelling = urlparse(links.url(registration, "meetups:cancel")).path
    page = browser.new_page(locale=language)
    page.set_default_timeout(10_000)
    found = []
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        for path in [unsubscribe, new_link, registering]:
            response = page.goto(f"{live_server.url}{path}")
            assert response is not None and response.ok, path
            found += check(page, width)
        page.fill("input[name=children]", "40")
        page.locator("form [type=submit]").last.click()
        page.wait_for_load_state()
        found += check(page, width)
        page.goto(f"{live_server.url}{cancelling}")
        found += check(page, width)
    page.close()

    assert found == []


def check(page, width: int) -> list[str]:
    found = axe_violations(page)
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    if overflow > 0:
        found.append(f"{page.url} scrolls sideways by {overflow}px at {width}px")
    return found

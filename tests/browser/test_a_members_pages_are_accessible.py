"""A member's own pages, signed in, in every language, at a desktop width and at 320 px:
axe-core finds no WCAG 2.2 AA violation, and nothing scrolls sideways, neither as drawn nor
with WCAG 1.4.12's text spacing. One browser page, signed in once, visits them all."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.conf import settings

from selfservice.services import sign_in_url

from ..conftest import admit
from .axe import axe_violations
from .test_public_pages_are_accessible import OVERFLOW, TEXT_SPACING

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = ["/members/me/", "/members/me/details/", "/members/me/consents/", "/members/me/data/"]


def test_a_members_pages_are_accessible_and_reflow_in_every_language(
    browser, live_server, alstrom, secretariat
):
    membership = admit("Mette Holm", alstrom, secretariat)
    member = membership.person
    pages = [*PAGES, f"/members/me/groups/{membership.group_id}/print/"]
    # The text spacing is a reader's style sheet, which the page's CSP does not govern.
    context = browser.new_context(locale="en", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(live_server.url + urlsplit(sign_in_url(member)).path)
    with page.expect_navigation():
        page.locator("main form [type=submit]").click()
    found, overflowing = [], []
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        for language, _name in settings.LANGUAGES:
            prefix = "" if language == settings.LANGUAGE_CODE else f"/{language}"
            for path in pages:
                page.goto(f"{live_server.url}{prefix}{path}")
                assert page.get_attribute("html", "lang") == language, path
                state = f"{prefix}{path} at {width}px"
                found += [f"{state}: {violation}" for violation in axe_violations(page)]
                if width == 320:
                    if (overflow := page.evaluate(OVERFLOW)) > 0:
                        overflowing.append(f"{state}: {overflow}px")
                    page.add_style_tag(content=TEXT_SPACING)
                    if (overflow := page.evaluate(OVERFLOW)) > 0:
                        overflowing.append(f"{state} with text spacing: {overflow}px")
    # Printed, the list page is the list alone: no menus, no links back.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + pages[-1])
    page.emulate_media(media="print")
    assert page.locator("body > header").is_hidden()
    assert page.locator("body > footer").is_hidden()
    assert page.get_by_text("Back to my membership").is_hidden()
    assert page.get_by_text("Mette Holm", exact=True).is_visible()
    context.close()

    assert found == []
    assert overflowing == []

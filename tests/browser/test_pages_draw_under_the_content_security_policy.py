"""The strict Content-Security-Policy breaks nothing: in a real browser (Debian's Chromium,
driven by Playwright) neither the public pages nor the staff pages, with their scripts,
widgets and style sheets, make the browser refuse a script, a style or an image, and the
Permissions-Policy names only features the browser knows."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ..members.conftest import confirmed
from .conftest import signed_in_context

pytestmark = pytest.mark.django_db(transaction=True)


def complaints_while_visiting(page, urls: list[str]) -> list[str]:
    """What the browser says about the policies while it draws each page."""
    complaints: list[str] = []

    def listen(message):
        text = message.text
        if "Content Security Policy" in text or "Permissions-Policy" in text:
            complaints.append(f"{page.url}: {text}")

    page.on("console", listen)
    for url in urls:
        response = page.goto(url)
        assert response is not None and response.status < 500, url
        assert page.url == url, "redirected"
        assert "Content-Security-Policy" in {name.title() for name in response.headers}
        page.wait_for_load_state("load")
    return complaints


def test_the_public_pages_draw_without_a_refusal(browser, live_server, alstrom):
    page = browser.new_page(locale="en")
    page.set_default_timeout(10_000)
    complaints = complaints_while_visiting(
        page,
        [
            f"{live_server.url}{reverse(name)}"
            for name in ["home", "diagnoses:associations", "privacy", "members:apply"]
        ],
    )
    # The form, last, redisplayed with its errors: focus moves to their summary.
    page.get_by_role("button", name="Send application").click()
    page.locator("#error-summary").wait_for()

    assert complaints == []


def test_the_staff_pages_draw_without_a_refusal(browser, live_server, alstrom, secretariat):
    application = confirmed("Aud Hansen", alstrom)
    context = signed_in_context(browser, live_server, secretariat, locale="en")
    page = context.new_page()
    page.set_default_timeout(10_000)

    complaints = complaints_while_visiting(
        page,
        [
            f"{live_server.url}{url}"
            for url in [
                reverse("admin:index"),
                reverse("admin:members_reviewqueue_changelist"),
                reverse("admin:members_application_changelist"),
                reverse("admin:members_application_change", args=[application.pk]),
                reverse("admin:members_person_changelist"),
                reverse("admin:auth_user_add"),
            ]
        ],
    )

    assert complaints == []

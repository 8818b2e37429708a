"""The form for reporting misuse of a contact list, in a real browser: no WCAG 2.2 AA
violation that axe-core finds, empty and with its errors, in Danish and English, on a wide
screen and at 320 px without sideways scrolling."""

from __future__ import annotations

import pytest

from .axe import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_report_form_has_no_violation_empty_or_with_errors(browser, live_server, language):
    page = browser.new_page(locale=language)
    page.set_default_timeout(10_000)
    prefix = "" if language == "en" else f"/{language}"
    found = []
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}{prefix}/report/")
        found += axe_violations(page)
        page.locator("form button[type=submit], form input[type=submit]").last.click()
        page.locator("#error-summary").wait_for()
        found += axe_violations(page)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"scrolls sideways by {overflow}px at {width}px"
    page.close()

    assert found == []

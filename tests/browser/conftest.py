"""One Chromium for the browser tests (Debian's, driven by Playwright; Playwright's own
browser download cannot work here), and pages signed in as staff."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.test import Client

from ..stack import require

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    require(
        CHROMIUM.exists(), "needs Debian's Chromium at /usr/bin/chromium (apt-get install chromium)"
    )
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    # Playwright runs an event loop in this thread; Django's ORM calls in the tests are
    # still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()
    del os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"]


def signed_in_context(browser, live_server, user, **options):
    """A browser context carrying a session of `user`, as if they had signed in."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(**options)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context

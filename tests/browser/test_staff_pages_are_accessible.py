"""The staff pages in a real browser, in Danish and in English, on a wide screen and at
320 px: no WCAG 2.2 AA violation that axe-core finds on the sign-in, the index, the review
queue, an application with its checks, each decision page (the approval with its email
drafted too) and the outgoing email pages; and what a reviewer would see go wrong does not:
the decision buttons cover the applicant's name, the email's subject is cut short, a table
header is empty, the sign-in has no main heading, the page scrolls sideways."""

from __future__ import annotations

import pytest
from django.urls import reverse

from diagnoses.models import Association
from outbox.models import OutgoingEmail

from ..members.conftest import confirmed
from ..seeding import seed_group
from .axe import axe_violations
from .conftest import signed_in_context

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (1280, 320)
DECISIONS = ["approve", "new_group", "refer", "ask", "reject"]

# The decision buttons whose box meets the box of the applicant's name's text.
BUTTONS_OVER_THE_NAME = """() => {
  const range = document.createRange();
  range.selectNodeContents(document.querySelector("#content > h2"));
  const name = range.getBoundingClientRect();
  return [...document.querySelectorAll(".object-tools a")].filter(button => {
    const box = button.getBoundingClientRect();
    return box.left < name.right && name.left < box.right
      && box.top < name.bottom && name.top < box.bottom;
  }).map(button => button.textContent.trim());
}"""
EMPTY_HEADERS = """() => [...document.querySelectorAll("th")]
  .filter(th => !th.textContent.trim() && !th.getAttribute("aria-label"))
  .map(th => th.outerHTML)"""
SIDEWAYS_SCROLL = "document.documentElement.scrollWidth - document.documentElement.clientWidth"


def check(page, found: list[str]) -> None:
    """Collect what is wrong with the page as drawn now, at the current width."""
    found += axe_violations(page)
    overflow = page.evaluate(SIDEWAYS_SCROLL)
    if overflow > 0:
        found.append(f"{page.url} scrolls sideways by {overflow}px")


@pytest.mark.parametrize("language", ["da", "en"])
def test_the_staff_pages_have_no_violation_in_either_language_at_any_width(
    request, browser, live_server, secretariat, alstrom, language
):
    if language == "da":
        request.getfixturevalue("danish_site")
    # The checks panel with a group to link to and an association to refer to.
    seed_group(alstrom, 3)
    Association.objects.create(name="Alström Danmark", website="https://example.org/")
    application = confirmed("Freja Christensen", alstrom)
    email = OutgoingEmail.objects.filter(recipient=application.email).first()
    application_page = reverse("admin:members_application_change", args=[application.pk])
    approve_page = reverse("admin:members_application_approve", args=[application.pk])
    pages = [
        reverse("admin:index"),
        reverse("admin:members_reviewqueue_changelist"),
        application_page,
        *(
            reverse(f"admin:members_application_{decision}", args=[application.pk])
            for decision in DECISIONS
        ),
        reverse("admin:outbox_outgoingemail_changelist"),
        reverse("admin:outbox_outgoingemail_change", args=[email.pk]),
    ]
    found: list[str] = []

    signed_out = browser.new_context(locale=language)
    page = signed_out.new_page()
    page.set_default_timeout(10_000)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}{reverse('two_factor:login')}")
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("h1").count() == 1 and page.locator("h1").is_visible()
        check(page, found)
    signed_out.close()

    context = signed_in_context(browser, live_server, secretariat, locale=language)
    page = context.new_page()
    page.set_default_timeout(10_000)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        for url in pages:
            page.goto(f"{live_server.url}{url}")
            assert page.locator("html").get_attribute("lang") == language
            check(page, found)
            if url == application_page:
                assert page.evaluate(BUTTONS_OVER_THE_NAME) == [], f"at {width}px"
                assert page.evaluate(EMPTY_HEADERS) == []

        page.goto(f"{live_server.url}{approve_page}")
        page.locator("input[name=draft]").click()
        subject = page.locator("input[name=subject]")
        assert subject.input_value().strip()
        check(page, found)
        if width == 1280:
            assert subject.evaluate("box => box.scrollWidth <= box.clientWidth"), (
                "the subject is cut short"
            )
    context.close()

    assert found == []

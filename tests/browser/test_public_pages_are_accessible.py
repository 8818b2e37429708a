"""Every public page, in every state a visitor meets it in, in each of the five languages,
in a real browser: no WCAG 2.2 AA violation that axe-core finds, on a wide screen and at
320 px; and at 320 px no page scrolls sideways, with the text spacing WCAG 1.4.12 asks a
page to bear as well as without it."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from diagnoses.models import Association
from members import services

from ..members.conftest import confirmed
from .axe import axe_violations

pytestmark = pytest.mark.django_db(transaction=True)

# WCAG 1.4.12: what a reader's own style sheet may set, and the page must bear.
TEXT_SPACING = (
    "* { line-height: 1.5 !important; letter-spacing: .12em !important;"
    " word-spacing: .16em !important; } p { margin-bottom: 2em !important; }"
)
OVERFLOW = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
# What sticks out on the right, to name in a failure: the text that runs past the edge.
STICKING_OUT = """() => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT), out = [];
  const range = document.createRange();
  while (walker.nextNode()) {
    const text = walker.currentNode;
    range.selectNodeContents(text);
    if (range.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
      out.push(text.parentElement.tagName + " " + text.textContent.trim().slice(0, 40));
  }
  return out.slice(0, 3);
}"""


def submit(page, button: str) -> None:
    with page.expect_navigation():
        page.locator(f"main form {button}").last.click()


def send_with_errors(page, button: str) -> None:
    submit(page, button)
    page.locator("#error-summary").wait_for()


def search_the_catalogue(page, query: str) -> None:
    page.fill("#id_diagnosis_query", query)
    submit(page, "[name=search_diagnosis]")
    page.locator("#diagnosis-results").wait_for()


def states(language: str, confirm_path: str, answer_path: str) -> list:
    """(name, path, what the visitor then does or None) for every public page state."""
    prefix = "" if language == "da" else f"/{language}"
    return [
        ("home", f"{prefix}/", None),
        ("apply", f"{prefix}/apply/", None),
        (
            "apply with errors",
            f"{prefix}/apply/",
            lambda page: send_with_errors(page, "[name=apply]"),
        ),
        (
            "apply with matches",
            f"{prefix}/apply/",
            lambda page: search_the_catalogue(page, "kabuki"),
        ),
        ("apply with no match", f"{prefix}/apply/", lambda page: search_the_catalogue(page, "qzx")),
        ("application sent", f"{prefix}/apply/sent/", None),
        ("email confirmed", confirm_path, None),
        ("answer", answer_path, None),
        ("answer with errors", answer_path, lambda page: send_with_errors(page, "[name=send]")),
        ("associations", f"{prefix}/associations/?q=kabuki", None),
        ("privacy", f"{prefix}/privacy/", None),
        ("report", f"{prefix}/report/", None),
        (
            "report with errors",
            f"{prefix}/report/",
            lambda page: send_with_errors(page, "[type=submit]"),
        ),
        ("sign-in", f"{prefix}/members/sign-in/", None),
        ("link sent", f"{prefix}/members/sign-in/sent/", None),
    ]


@pytest.mark.parametrize("language", ["da", "en", "sv", "nb", "fi"])
def test_every_public_page_state_is_accessible_and_reflows(
    danish_site, browser, live_server, secretariat, kabuki, language
):
    Association.objects.create(name="Kabuki Families", countries=["DK"]).diagnoses.add(kabuki)
    application = confirmed("Freja Christensen", kabuki, language=language)
    services.request_information(application, "Which hospital?", by=secretariat)
    # The emailed links, in the applicant's language.
    confirm_path = urlsplit(services.confirmation_url(application)).path
    answer_path = urlsplit(services.information_url(application, 1)).path
    # The text spacing is a reader's style sheet, which the page's CSP does not govern.
    context = browser.new_context(locale=language, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    found, overflowing = [], []
    for width in (1280, 320):
        page.set_viewport_size({"width": width, "height": 900})
        for name, path, then in states(language, confirm_path, answer_path):
            page.goto(f"{live_server.url}{path}")
            if then:
                then(page)
            assert page.get_attribute("html", "lang") == language, name
            found += [f"{name} at {width}px: {violation}" for violation in axe_violations(page)]
            if width == 320:
                if (overflow := page.evaluate(OVERFLOW)) > 0:
                    overflowing.append(f"{name}: {overflow}px {page.evaluate(STICKING_OUT)}")
                page.add_style_tag(content=TEXT_SPACING)
                if (overflow := page.evaluate(OVERFLOW)) > 0:
                    overflowing.append(
                        f"{name} with text spacing: {overflow}px {page.evaluate(STICKING_OUT)}"
                    )
    context.close()

    assert found == []
    assert overflowing == []

"""Contrast measured from what the browser draws (computed styles), on the sign-up form
redisplayed with its errors: every form control's border, the only mark of an unticked radio
button or check box, reaches 3:1 against what is behind it (WCAG 1.4.11), and every link,
those of the error summary included, reaches 4.5:1 (WCAG 1.4.3)."""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

# Each element's colour, and the colour behind it: the first opaque background among it
# and its ancestors (the page is white behind everything else).
COLOURS = """
([selector, property]) => [...document.querySelectorAll(selector)]
  .filter(element => element.offsetParent !== null)
  .map(element => {
    let behind = element.parentElement, background = "rgb(255, 255, 255)";
    while (behind) {
      const colour = getComputedStyle(behind).backgroundColor;
      if (!colour.startsWith("rgba") || !colour.endsWith(", 0)")) { background = colour; break; }
      behind = behind.parentElement;
    }
    return [element.id || element.textContent.trim().slice(0, 40),
            getComputedStyle(element)[property], background];
  })
"""


def luminance(colour: str) -> float:
    """WCAG's relative luminance of a CSS rgb() or rgba() colour (opaque ones here)."""
    red, green, blue = (int(part) / 255 for part in re.findall(r"[\d.]+", colour)[:3])

    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.03928 else ((channel + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast(one: str, other: str) -> float:
    lighter, darker = sorted([luminance(one), luminance(other)], reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def below(page, selector: str, css_property: str, needed: float) -> list[str]:
    measured = page.evaluate(COLOURS, [selector, css_property])
    assert measured, f"nothing drawn matches {selector}"
    return [
        f"{name}: {contrast(colour, background):.2f}:1 ({colour} on {background})"
        for name, colour, background in measured
        if contrast(colour, background) < needed
    ]


def test_form_control_borders_reach_3_to_1_and_links_4_5_to_1(browser, live_server):
    page = browser.new_page(locale="en")
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/apply/")
    page.locator("input[type=submit][name=apply]").click()
    page.locator("#error-summary").wait_for()

    controls = ".form-control, .form-select, .form-check-input:not(:checked)"
    assert below(page, controls, "borderTopColor", 3.0) == []
    assert below(page, "#error-summary a", "color", 4.5) == []
    assert below(page, "a", "color", 4.5) == []
    page.close()

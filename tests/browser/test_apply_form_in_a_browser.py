"""The sign-up form in a real browser (Debian's Chromium driven by Playwright): usable
with the keyboard alone, and it keeps what was typed when something is wrong."""

from __future__ import annotations

import pytest

from members.models import Application

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def page(browser, live_server):
    page = browser.new_page(locale="en")
    page.set_default_timeout(10_000)
    # The suite speaks English, the site default under test settings.
    page.goto(f"{live_server.url}/apply/")
    yield page
    page.close()


def test_an_applicant_can_search_the_catalogue_and_apply_with_the_keyboard_alone(page, kabuki):
    page.focus("#id_full_name")
    page.keyboard.type("Aud Hansen")
    page.focus("#id_diagnosis_query")
    page.keyboard.type("niikawa kuroki")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the focused button: "Search the catalogue"

    match = page.get_by_label("Kabuki syndrome (ORPHA:2322)")
    assert page.input_value("#id_full_name") == "Aud Hansen"
    assert not match.is_checked()
    match.focus()
    page.keyboard.press("Space")
    page.get_by_label("I am a parent of a person with the diagnosis").check()
    page.fill("#id_street_address", "Kongens gate 15")
    page.fill("#id_postal_code", "0153")
    page.fill("#id_city", "Oslo")
    page.select_option("#id_country", "NO")
    page.fill("#id_phone", "412 34 567")
    page.fill("#id_email", "aud.hansen@example.org")
    page.get_by_label("I agree that my name", exact=False).check()
    page.get_by_label("I agree that the network processes", exact=False).check()
    page.get_by_role("button", name="Send application").press("Enter")

    page.get_by_role("heading", name="Thank you. Please check your email").wait_for()
    application = Application.objects.get(email="aud.hansen@example.org")
    assert application.diagnosis == kabuki
    assert application.phone.as_e164 == "+4741234567"


def test_a_wrong_entry_moves_focus_to_a_summary_that_leads_to_the_field(page, kabuki):
    page.fill("#id_full_name", "Aud Hansen")
    page.fill("#id_phone", "12")
    page.select_option("#id_country", "NO")
    page.fill("#id_note", "Our daughter was diagnosed last spring.")
    page.get_by_role("button", name="Send application").click()

    summary = page.locator("#error-summary")
    summary.wait_for()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert "This does not look like a phone number in Norway" in summary.inner_text()
    summary.get_by_role("link", name="Phone: This does not look", exact=False).click()
    assert page.evaluate("document.activeElement.id") == "id_phone"
    assert page.input_value("#id_full_name") == "Aud Hansen"
    assert page.input_value("#id_note") == "Our daughter was diagnosed last spring."
    assert page.input_value("#id_country") == "NO"
    assert not Application.objects.exists()


def test_a_search_moves_focus_to_its_results_and_an_error_link_shows_the_label(page, kabuki):
    page.fill("#id_diagnosis_query", "niikawa kuroki")
    page.locator("button[name=search_diagnosis]").click()

    page.get_by_label("Kabuki syndrome (ORPHA:2322)").wait_for()
    assert page.evaluate("document.activeElement.id") == "diagnosis-results"
    assert page.locator("#diagnosis-results").is_visible()
    assert (
        page.evaluate("document.querySelector('#diagnosis-results').getBoundingClientRect().top")
        >= 0
    )

    page.get_by_role("button", name="Send application").click()
    page.locator("#error-summary").get_by_role("link", name="Phone:", exact=False).click()
    assert page.evaluate("document.activeElement.id") == "id_phone"
    label_top = page.evaluate(
        "document.querySelector('label[for=id_phone]').getBoundingClientRect().top"
    )
    assert label_top >= 0

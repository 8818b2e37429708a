"""The public sign-up form, given one mistake at a time: the applicant is told where and
why, nothing is recorded, and nothing they typed has to be typed again."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import Application, ApplicationEvent, Consent

from ..conftest import applicant
from .page import Page

# The tests read English (settings/test.py); these two messages are Django's own.
REQUIRED = "This field is required."
INVALID_EMAIL = "Enter a valid email address."
NEEDS_CONSENT = "Joining the network needs this consent."
NOT_A_DANISH_PHONE = "This does not look like a phone number in Denmark."
ALLOWED_COUNTRIES = ["Denmark", "Sweden", "Norway", "Greenland", "Faroe Islands"]

FORM_FIELDS = [
    "full_name",
    "relationship",
    "birth_year",
    "street_address",
    "postal_code",
    "city",
    "country",
    "phone",
    "email",
    "diagnosis_query",
    "diagnosis",
    "note",
    "consent_share_contact_details",
    "consent_health_data",
    "consent_mailings",
    "consent_online_group",
    "consent_meetups",
]

# (what the applicant got wrong, the field that says so, what it says); None means not sent,
# as a browser sends no unticked box and no unchosen radio button.
MISTAKES = [
    pytest.param({"full_name": ""}, "full_name", REQUIRED, id="no-name"),
    pytest.param({"relationship": None}, "relationship", REQUIRED, id="no-relationship"),
    pytest.param({"street_address": ""}, "street_address", REQUIRED, id="no-street-address"),
    pytest.param({"postal_code": ""}, "postal_code", REQUIRED, id="no-postal-code"),
    pytest.param({"city": ""}, "city", REQUIRED, id="no-city"),
    pytest.param({"country": ""}, "country", REQUIRED, id="no-country"),
    pytest.param({"phone": ""}, "phone", REQUIRED, id="no-phone"),
    pytest.param({"email": ""}, "email", REQUIRED, id="no-email"),
    pytest.param(
        {"diagnosis_query": "", "diagnosis": ""},
        "diagnosis_query",
        "Tell us the diagnosis: search the catalogue, or type it as you know it.",
        id="no-diagnosis",
    ),
    pytest.param({"email": "freja.christensen@"}, "email", INVALID_EMAIL, id="bad-email"),
    pytest.param({"email": "freja christensen"}, "email", INVALID_EMAIL, id="email-no-at"),
    pytest.param(
        {"birth_year": "2O15"}, "birth_year", "Enter a whole number.", id="birth-year-typo"
    ),
    pytest.param(
        {"birth_year": "1850"},
        "birth_year",
        "Ensure this value is greater than or equal to 1900.",
        id="birth-year-too-early",
    ),
    pytest.param({"phone": "12"}, "phone", NOT_A_DANISH_PHONE, id="phone-too-short"),
    pytest.param({"phone": "12345"}, "phone", NOT_A_DANISH_PHONE, id="phone-five-digits"),
    pytest.param(
        {"country": "DE"},
        "country",
        "The network is for people who live in Denmark, Sweden, Norway, Greenland, "
        "Faroe Islands, so we cannot take an application from Germany.",
        id="country-not-covered",
    ),
    pytest.param(
        {"consent_share_contact_details": None},
        "consent_share_contact_details",
        NEEDS_CONSENT,
        id="no-consent-to-share",
    ),
    pytest.param(
        {"consent_health_data": None}, "consent_health_data", NEEDS_CONSENT, id="no-consent-health"
    ),
]


def typed(alstrom, change: dict) -> dict:
    """A full form as Freja fills it in, with one optional consent left unticked."""
    data = applicant(
        "Freja Christensen",
        alstrom,
        note="Vi bor på landet, ring gerne efter kl. 16.",
        consent_online_group=None,
    )
    data.update(change)
    return {name: value for name, value in data.items() if value is not None}


@pytest.fixture
def post(client, alstrom):
    def send(change: dict):
        data = typed(alstrom, change)
        return data, client.post(reverse("members:apply"), data)

    return send


@pytest.mark.parametrize(("change", "field", "message"), MISTAKES)
def test_the_mistake_is_explained_next_to_the_field(post, change, field, message):
    _data, response = post(change)

    assert response.status_code == 200
    page = Page(response.content)
    assert page.is_marked_invalid(field)
    assert message in (page.error_next_to(field) or "")


@pytest.mark.parametrize(("change", "field", "message"), MISTAKES)
def test_the_error_summary_at_the_top_links_to_the_field(post, change, field, message):
    _data, response = post(change)

    page = Page(response.content)
    links = [(href, text) for href, text in page.summary_links() if message in text]
    assert links, f"no link in the error summary says {message!r}: {page.summary_links()}"
    for href, text in links:
        assert page.summary_link_reaches(href, field), f"{text!r} links to {href!r}"


@pytest.mark.parametrize(("change", "field", "message"), MISTAKES)
def test_nothing_is_recorded_and_no_email_is_sent(
    post, change, field, message, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _data, response = post(change)

    assert response.status_code == 200
    assert not Application.objects.exists()
    assert not Consent.objects.exists()
    assert not ApplicationEvent.objects.exists()
    assert mailoutbox == []


@pytest.mark.parametrize(("change", "field", "message"), MISTAKES)
def test_everything_else_typed_is_still_in_the_form(post, change, field, message):
    data, response = post(change)

    page = Page(response.content)
    kept = {name: page.value(name) for name in FORM_FIELDS if name not in change}
    expected = {name: data.get(name, "") for name in kept}
    assert kept == expected


def test_a_phone_number_from_another_country_in_international_form_is_accepted(client, alstrom):
    data = applicant("Freja Christensen", alstrom, country="DK", phone="+46 70 123 45 67")

    response = client.post(reverse("members:apply"), data)

    assert response.status_code == 302
    assert Application.objects.get().phone.as_e164 == "+46701234567"


@pytest.mark.parametrize("country", ["", "DE"], ids=["no-country", "country-not-covered"])
def test_a_country_problem_does_not_also_flag_a_good_phone_number(client, alstrom, country):
    # 20 12 34 56 is a good Danish number; the applicant only has the country to fix.
    data = applicant("Freja Christensen", alstrom, country=country, phone="20 12 34 56")

    page = Page(client.post(reverse("members:apply"), data).content)

    assert page.invalid_fields() == {"country"}


def test_a_birth_year_in_the_future_is_refused(client, alstrom):
    next_year = timezone.now().year + 1
    data = applicant("Freja Christensen", alstrom, birth_year=str(next_year))

    response = client.post(reverse("members:apply"), data)

    assert response.status_code == 200, "an application with a future birth year was accepted"
    page = Page(response.content)
    assert page.is_marked_invalid("birth_year")
    assert str(next_year - 1) in (page.error_next_to("birth_year") or "")
    assert not Application.objects.exists()

"""A mistake on the details form changes nothing, keeps everything the member typed, and
says what is wrong at the field and in the summary at the top, as the sign-up form does."""

from __future__ import annotations

import pytest
from django.urls import reverse

from members.models import Person

from ..contactlists.conftest import group_of, latest_list
from ..members.page import Page
from .test_changing_details_sends_the_group_a_new_list import typed

NEW_DETAILS = {
    "full_name": "Mette Holm Jensen",
    "street_address": "Nygade 5",
    "postal_code": "8000",
    "city": "Aarhus C",
    "phone": "29 99 88 77",
    "share_address": None,
}

MISTAKES = [
    pytest.param(
        {"phone": "12345"},
        "phone",
        "This does not look like a phone number in Denmark.",
        id="phone-not-danish",
    ),
    pytest.param(
        {"postal_code": "80000"},
        "postal_code",
        "This does not look like a postal code in Denmark.",
        id="postcode-not-danish",
    ),
    pytest.param(
        {"country": "SE", "postal_code": "8000", "phone": "+46701234567"},
        "postal_code",
        "This does not look like a postal code in Sweden.",
        id="postcode-not-swedish",
    ),
    pytest.param({"full_name": ""}, "full_name", "This field is required.", id="no-name"),
    pytest.param({"email": "mette.holm@"}, "email", "Enter a valid email address.", id="bad-email"),
    pytest.param(
        {"country": "DE"},
        "country",
        "The network is for people who live in Denmark, Sweden, Norway, Greenland, "
        "Faroe Islands. If you have moved to Germany, please write to the secretariat.",
        id="country-not-covered",
    ),
]


@pytest.mark.parametrize(("mistake", "field", "message"), MISTAKES)
def test_a_mistake_keeps_everything_typed_and_says_what_is_wrong_at_the_field(
    group_a, client, sign_in, after_commit, mistake, field, message
):
    mette, _jonas = group_a
    version = latest_list(group_of(mette)).version
    sign_in(mette)
    data = typed(mette, **{**NEW_DETAILS, **mistake})

    with after_commit():
        response = client.post(reverse("selfservice:details"), data)

    assert response.status_code == 200
    page = Page(response.content)
    for name, value in data.items():
        assert page.value(name) == value, name
    assert page.value("share_address") == ""
    assert page.invalid_fields() == {field}
    assert message in page.error_next_to(field)
    [(href, text)] = page.summary_links()
    assert message in text
    assert page.summary_link_reaches(href, field)
    unchanged = Person.objects.get(pk=mette.pk)
    assert unchanged.full_name == "Mette Holm"
    assert unchanged.share_address is True
    assert latest_list(group_of(mette)).version == version


@pytest.mark.parametrize(
    ("country", "postal_code", "phone"),
    [
        ("DK", "DK-8000", "20 12 34 56"),
        ("SE", "411 38", "070-123 45 67"),
        ("NO", "0153", "412 34 567"),
        ("FO", "FO-100", "+298 211234"),
        ("GL", "3900", "+299 321000"),
    ],
)
def test_postal_codes_are_taken_as_each_country_writes_them(
    group_a, client, sign_in, country, postal_code, phone
):
    mette, _jonas = group_a
    sign_in(mette)

    response = client.post(
        reverse("selfservice:details"),
        typed(mette, country=country, postal_code=postal_code, phone=phone),
    )

    assert response.status_code == 302, Page(response.content).summary_links()
    assert Person.objects.get(pk=mette.pk).postal_code == postal_code


def test_another_members_address_is_refused_without_saying_whose_it_is(
    group_a, group_b, client, sign_in
):
    mette, _jonas = group_a
    aud, _lars = group_b
    sign_in(mette)

    response = client.post(reverse("selfservice:details"), typed(mette, email=aud.email.upper()))

    page = Page(response.content)
    assert response.status_code == 200
    assert page.value("email") == aud.email.upper()
    assert "This address cannot be used for your membership" in page.error_next_to("email")
    assert aud.full_name not in page.text
    assert Person.objects.get(pk=mette.pk).email == mette.email

"""The lists of applications and the review queue filter by the countries the network
covers (NETWORK_ALLOWED_COUNTRIES) and by any other country someone on the list gave, not
by every country in the world; and their diagnosis column is named in the staff member's
language."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from members import services

from ..conftest import ALL_CONSENTS
from ..seeding import applicant_details
from .conftest import confirmed
from .page import Page

QUEUE = "admin:members_reviewqueue_changelist"


def countries_offered(response) -> set[str]:
    page = Page(response.content)
    return {
        parse_qs(urlparse(link.attrs["href"]).query)["country"][0]
        for link in page.find("a")
        if link.is_within("changelist-filter") and "country=" in link.attrs.get("href", "")
    }


@pytest.mark.parametrize("list_name", [QUEUE, "admin:members_application_changelist"])
def test_the_country_filter_offers_the_networks_countries_and_those_given(
    client, secretariat, alstrom, settings, list_name
):
    settings.NETWORK_ALLOWED_COUNTRIES = ["DK", "SE", "NO"]
    confirmed("Freja Christensen", alstrom)
    # Someone who gave a country the network does not cover (typed by staff, or from
    # before the network's countries changed) can still be found by it.
    german = services.submit_application(
        applicant_details("Jonas Weber", alstrom, country="DE", email="jonas@example.org"),
        ALL_CONSENTS,
    )
    services.confirm_email(german)
    client.force_login(secretariat)

    response = client.get(reverse(list_name))

    assert countries_offered(response) == {"DK", "SE", "NO", "DE"}
    only_german = client.get(reverse(list_name), {"country": "DE"})
    assert "Jonas Weber" in Page(only_german.content).by_id("result_list").text
    assert "Freja Christensen" not in Page(only_german.content).by_id("result_list").text


def test_the_diagnosis_column_is_named_in_danish_for_a_danish_reviewer(
    danish_site, client, secretariat, alstrom
):
    confirmed("Freja Christensen", alstrom)
    client.force_login(secretariat)

    response = client.get(reverse(QUEUE))

    headers = [th.text for th in Page(response.content).find("th") if th.is_within("result_list")]
    assert "Diagnose" in headers
    assert not any("label" in header.lower() for header in headers)

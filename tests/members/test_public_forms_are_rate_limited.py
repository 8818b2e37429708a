"""The public forms take a limited number of requests per visitor's address, and the sign-up
form a limited number of applications per email address. Past a limit the visitor gets a
calm page that says how long to wait (429, with Retry-After), and nothing is recorded. The
limits are settings; a cache that does not answer leaves the forms open."""

from __future__ import annotations

import re

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from members import services
from members.models import Application
from network.ratelimits import client_ip, ip_key

from ..conftest import applicant
from .conftest import confirmed
from .page import Page

WAIT = "Please wait a little before you try again"
TRY_AGAIN = re.compile(r"Please try again in about (a minute|\d+ minutes|an hour|\d+ hours)\.")


@pytest.fixture
def limits(settings):
    """Set some limits, leaving the others as they are."""

    def set_limits(**rates: str) -> None:
        settings.RATELIMITS = {**settings.RATELIMITS, **rates}

    return set_limits


def apply_url(language: str = "en") -> str:
    with translation.override(language):
        return reverse("members:apply")


def assert_asked_to_wait(response) -> None:
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 24 * 3600 + 5
    text = Page(response.content).text
    assert WAIT in text
    assert TRY_AGAIN.search(text), text


def test_the_sign_up_form_rests_after_its_limit_per_address(client, alstrom, limits):
    limits(apply="3/h")
    for number in range(3):
        data = applicant(f"Person {number}", alstrom)
        assert client.post(apply_url(), data).status_code == 302

    response = client.post(apply_url(), applicant("Person 3", alstrom))

    assert_asked_to_wait(response)
    assert Application.objects.count() == 3
    assert not Application.objects.filter(full_name="Person 3").exists()


def test_mistakes_count_as_requests_too(client, alstrom, limits):
    limits(apply="2/h")
    client.post(apply_url(), applicant("Freja Christensen", alstrom, email="not an address"))
    client.post(apply_url(), applicant("Freja Christensen", alstrom, email="not an address"))

    assert_asked_to_wait(client.post(apply_url(), applicant("Freja Christensen", alstrom)))


def test_another_visitor_is_not_held_up(client, alstrom, limits):
    limits(apply="1/h")
    client.post(apply_url(), applicant("Person 1", alstrom), REMOTE_ADDR="192.0.2.1")

    response = client.post(apply_url(), applicant("Person 2", alstrom), REMOTE_ADDR="192.0.2.2")

    assert response.status_code == 302


def test_one_email_address_applies_a_limited_number_of_times_from_anywhere(
    client, alstrom, kabuki, limits, mailoutbox, django_capture_on_commit_callbacks
):
    limits(**{"apply-email": "2/d"})
    with django_capture_on_commit_callbacks(execute=True):
        for number, diagnosis in enumerate([alstrom, kabuki]):
            data = applicant("Freja Christensen", diagnosis)
            assert (
                client.post(apply_url(), data, REMOTE_ADDR=f"192.0.2.{number}").status_code == 302
            )
        # From another address, in other letters, for a diagnosis not yet applied for.
        data = applicant("Freja Christensen", diagnosis_query="Et ukendt syndrom")
        data["email"] = "Freja.Christensen@Example.org"
        response = client.post(apply_url(), data, REMOTE_ADDR="198.51.100.1")

    assert_asked_to_wait(response)
    assert Application.objects.count() == 2
    assert len(mailoutbox) == 2


def test_the_catalogue_search_has_a_limit_of_its_own(client, alstrom, limits):
    limits(search="2/h", apply="5/h")
    search = {"diagnosis_query": "alstrom", "search_diagnosis": "1"}
    assert client.post(apply_url(), search).status_code == 200
    assert client.post(apply_url(), search).status_code == 200

    assert_asked_to_wait(client.post(apply_url(), search))
    # Sending the application is another count.
    assert client.post(apply_url(), applicant("Freja Christensen", alstrom)).status_code == 302


def test_the_associations_page_limits_searches_but_not_the_list(db, client, limits):
    limits(search="1/h")
    url = reverse("diagnoses:associations")
    assert client.get(url, {"q": "kabuki"}).status_code == 200

    assert_asked_to_wait(client.get(url, {"q": "kabuki"}))
    assert client.get(url).status_code == 200


def test_answers_to_the_secretariat_have_a_limit(client, alstrom, secretariat, limits):
    limits(answer="2/h")
    application = confirmed("Freja Christensen", alstrom)
    services.request_information(application, "Which hospital?", by=secretariat)
    link = services.information_url(application, 1)

    for _attempt in range(2):
        assert client.post(link, {"answer": ""}).status_code == 200

    assert_asked_to_wait(client.post(link, {"answer": "Rigshospitalet."}))
    application.refresh_from_db()
    assert application.status == Application.Status.AWAITING_INFORMATION


def test_the_page_is_in_the_visitors_language(client, alstrom, limits):
    limits(apply="0/h")

    response = client.post(apply_url("sv"), applicant("Ingrid Lund", alstrom))

    assert response.status_code == 429
    assert '<html lang="sv"' in response.content.decode()


def test_a_limit_without_a_rate_is_lifted(client, alstrom, limits):
    limits(apply="")
    data = applicant("Freja Christensen", alstrom, email="not an address")
    for _attempt in range(3):
        assert client.post(apply_url(), data).status_code == 200

    # Nothing was counted meanwhile: a limit set now starts from naught.
    limits(apply="2/h")
    assert client.post(apply_url(), data).status_code == 200
    assert client.post(apply_url(), data).status_code == 200
    assert client.post(apply_url(), data).status_code == 429


def test_a_cache_that_does_not_answer_leaves_the_form_open(client, alstrom, settings, limits):
    limits(apply="0/h")
    # Redis stopped: nothing listens on this port.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_timeout": 1, "socket_connect_timeout": 1},
        }
    }

    response = client.post(apply_url(), applicant("Freja Christensen", alstrom))

    assert response.status_code == 302
    assert Application.objects.count() == 1


def request_from(remote_addr: str, **headers):
    return RequestFactory().post("/apply/", REMOTE_ADDR=remote_addr, **headers)


def test_behind_a_proxy_the_visitor_is_the_address_the_proxy_passes(settings):
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_FORWARDED_FOR"

    # What the visitor wrote into the header comes first; the proxy appends what it saw.
    forwarded = request_from("10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7")

    assert client_ip(forwarded) == "198.51.100.7"
    assert client_ip(request_from("10.0.0.1")) == "10.0.0.1", "no header: the direct address"
    garbage = request_from("10.0.0.1", HTTP_X_FORWARDED_FOR="<script>")
    assert client_ip(garbage) == "10.0.0.1"


def test_an_ipv6_visitor_is_counted_by_their_network():
    one = ip_key(request_from("2001:db8:1:2::1"))
    same_network = ip_key(request_from("2001:db8:1:2:ffff::9"))
    other_network = ip_key(request_from("2001:db8:1:3::1"))

    assert one == same_network != other_network
    assert ip_key(request_from("192.0.2.1")) != ip_key(request_from("192.0.2.2"))

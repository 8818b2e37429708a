"""Every public form, given anything at all (random text, control characters, NUL, any
script, mixed scripts, text of 100 KB), answers with a page that works: the form again with
its errors (200), or the page it leads to (a redirect, or the answered page). Never a
server error, and never part of a record: an application comes whole (its consents, its
log, its email) or not at all.

Hypothesis draws the input: 500 examples per form in CI (CI=true), 50 on a laptop
(tests/conftest.py has the profiles). Each example runs in a savepoint that is rolled back,
so each starts from the same database. The rate limits are lifted here: they would turn
the examples into 429s.
"""

from __future__ import annotations

import operator
from urllib.parse import quote

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import event, given
from hypothesis import strategies as st

from diagnoses.models import Association
from members import services
from members.forms import SEARCH_BUTTON
from members.models import Application, ApplicationEvent, Consent
from outbox.models import OutgoingEmail

from ..conftest import applicant
from .conftest import confirmed
from .page import Page

# What a person, a robot or a broken browser might send in any one field.
ANY_TEXT = st.one_of(
    # Any code point a request can carry (all but surrogates): controls, NUL, every script.
    st.text(),
    # Letters, marks, digits and spaces of every script, mixed.
    st.text(st.characters(categories=["L", "M", "N", "Zs"]), max_size=300),
    # Very long: one character or a short word, repeated up to 100 KB.
    st.builds(
        operator.mul,
        st.sampled_from(["a ", "x", "\x00", "\u202e", "\u200b", "ø", "名", "\n", "12 "]),
        st.integers(min_value=1, max_value=100_000),
    ),
    # The edges: empty, blank, and what each field takes when it is right.
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "\u202eevil",
            "0",
            "-1",
            "2015",
            "DK",
            "parent",
            "+4520123456",
            "freja@example.org",
            "as-typed",
            "on",
            "ORPHA:64",
            "Alström syndrome",
        ]
    ),
)

APPLICATION_FIELDS = [
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


@pytest.fixture(autouse=True)
def no_rate_limits(settings):
    settings.RATELIMITS = {}


def counts() -> tuple[int, int, int, int]:
    return (
        Application.objects.count(),
        Consent.objects.count(),
        ApplicationEvent.objects.count(),
        OutgoingEmail.objects.count(),
    )


def rolled_back():
    """A savepoint that is always rolled back: each example starts from the same data."""
    return _RolledBack()


class _RolledBack:
    def __enter__(self):
        self.atomic = transaction.atomic()
        self.atomic.__enter__()

    def __exit__(self, *exc):
        transaction.set_rollback(True)
        return self.atomic.__exit__(*exc)


def assert_a_page(response) -> Page:
    assert response["Content-Type"].startswith("text/html")
    page = Page(response.content)
    assert page.by_id("main") is not None, "the site's page, with its main content"
    return page


@given(
    changes=st.dictionaries(st.sampled_from(APPLICATION_FIELDS), ANY_TEXT, min_size=1),
    dropped=st.sets(st.sampled_from(APPLICATION_FIELDS), max_size=3),
    searching=st.booleans(),
)
def test_the_sign_up_form_survives_any_input(client, alstrom, changes, dropped, searching):
    data = {**applicant("Freja Christensen", alstrom), **changes}
    for name in dropped:
        data.pop(name, None)
    if searching:
        data[SEARCH_BUTTON] = "1"

    with rolled_back():
        before = counts()
        response = client.post(reverse("members:apply"), data)
        after = counts()

        event(f"{'search' if searching else 'submission'}: {response.status_code}")
        if response.status_code == 302:
            assert not searching, "a search never sends the application"
            assert response["Location"] == reverse("members:application_sent")
            # One application, whole: five consents, its log line, its email.
            assert tuple(b - a for a, b in zip(before, after, strict=True)) == (1, 5, 1, 1)
        else:
            assert response.status_code == 200
            assert after == before, "nothing is kept from a form sent back with errors"
            page = assert_a_page(response)
            if not searching:
                assert page.by_id("error-summary") is not None, "the errors are said"


@pytest.fixture
def asked(alstrom, secretariat):
    """An application waiting for the answer to one question, and the link to answer it."""
    application = confirmed("Freja Christensen", alstrom)
    services.request_information(application, "Which hospital?", by=secretariat)
    return application, services.information_url(application, 1)


@given(answer=ANY_TEXT)
def test_the_answer_form_survives_any_input(client, asked, answer):
    application, link = asked

    with rolled_back():
        before = counts()
        response = client.post(link, {"answer": answer})
        after = counts()

        assert response.status_code == 200
        page = assert_a_page(response)
        application.refresh_from_db()
        if application.status == Application.Status.AWAITING_REVIEW:
            # Taken: exactly the answer, as one line in the log.
            [taken] = application.events.filter(action=ApplicationEvent.Action.INFORMATION_RECEIVED)
            assert taken.note == answer.strip()
            assert after == (before[0], before[1], before[2] + 1, before[3])
        else:
            assert application.status == Application.Status.AWAITING_INFORMATION
            assert after == before
            assert page.by_id("error-summary") is not None


@pytest.fixture
def register(alstrom):
    """A register with associations in two countries, so that the search has work to do."""
    for name, countries in [("Alström Foreningen", ["DK"]), ("Alström Förening", ["SE"])]:
        association = Association.objects.create(name=name, countries=countries)
        association.diagnoses.add(alstrom)


@given(query=ANY_TEXT, country=ANY_TEXT)
def test_the_associations_search_survives_any_input(client, register, query, country):
    # A browser sends no more than a few kilobytes of address.
    params = {"q": query[:8000], "country": country[:100]}

    with rolled_back():
        before = counts()
        response = client.get(reverse("diagnoses:associations"), params)

        assert response.status_code == 200
        assert_a_page(response)
        assert counts() == before


@given(token=ANY_TEXT.filter(bool), link=st.sampled_from(["members:confirm", "members:answer"]))
def test_the_emailed_links_survive_any_token(client, asked, token, link):
    prefix = reverse(link, args=["x"]).removesuffix("x/")

    with rolled_back():
        before = counts()
        response = client.get(f"{prefix}{quote(token[:2000], safe='')}/")

        # Not a link of ours: refused (400), or no such address at all (404, a "/" in it).
        assert response.status_code in (400, 404)
        assert counts() == before

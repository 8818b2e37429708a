"""A catalogue search is bounded before any work: a query longer than any name is not searched
at all on the sign-up form, which says so plainly, and the search itself reads no more than
the first MAX_QUERY_LENGTH characters and MAX_QUERY_WORDS words of whatever it is given.
(How fast a 100 KB query is answered is measured in bench/long_query.py, not here.)"""

from __future__ import annotations

import re
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diagnoses.models import Diagnosis
from diagnoses.search import MAX_QUERY_LENGTH, MAX_QUERY_WORDS, search_diagnoses
from diagnoses.services import save_diagnosis
from members.models import Application

from ..conftest import applicant
from ..members.page import Page

HUNDRED_KB = "a " * 50_000
TOO_LONG = "This is too long to search the catalogue."
# The longest name in Orphanet's 2025 catalogue, in words.
LONGEST_NAME = (
    "Early-onset severe Hermansky-Pudlak syndrome with hearing loss due to adaptator "
    "related protein complex 3 subunit delta 1 deficiency"
)


def statements(queries) -> list[str]:
    """The SQL sent, savepoints' names aside."""
    return [re.sub(r'"s\d+_x\d+"', '"s"', query["sql"]) for query in queries]


def likes(queries) -> int:
    return sum(query["sql"].count(" LIKE ") for query in queries)


def test_the_search_reads_no_more_than_its_bounds(db):
    many_words = " ".join(f"w{n}" for n in range(20_000))  # over 100 KB
    with CaptureQueriesContext(connection) as one_word:
        list(search_diagnoses("w0"))
    with CaptureQueriesContext(connection) as at_the_bound:
        list(search_diagnoses(" ".join(many_words.split()[:MAX_QUERY_WORDS])))
    with CaptureQueriesContext(connection) as huge:
        list(search_diagnoses(many_words))

    # One LIKE per word, and the same few for ranking whatever the query.
    assert likes(at_the_bound) - likes(one_word) == MAX_QUERY_WORDS - 1
    # 100 KB costs what a query at the bound costs: the same statements, the same words.
    assert statements(huge) == statements(at_the_bound)


def test_a_word_typed_again_is_searched_once(db):
    with CaptureQueriesContext(connection) as once:
        list(search_diagnoses("a"))
    with CaptureQueriesContext(connection) as many_times:
        list(search_diagnoses(HUNDRED_KB))

    assert likes(many_times) == likes(once)


def test_words_past_the_bound_are_not_searched(db):
    query = " ".join(f"w{n}" for n in range(100))[:MAX_QUERY_LENGTH]

    with CaptureQueriesContext(connection) as searched:
        list(search_diagnoses(query))

    sql = " ".join(q["sql"] for q in searched)
    assert "w23" in sql
    assert "w24" not in sql


def test_the_longest_name_in_the_catalogue_is_still_found(db):
    assert len(LONGEST_NAME.split()) <= MAX_QUERY_WORDS
    entry = save_diagnosis(Diagnosis(orpha_code=300000, name=LONGEST_NAME), [])

    assert list(search_diagnoses(LONGEST_NAME)) == [entry]


@pytest.fixture
def no_search():
    with mock.patch("members.forms.search_diagnoses") as search:
        yield search


def test_a_100_kb_query_on_the_sign_up_form_is_not_searched_and_says_why(
    client, db, no_search, django_assert_max_num_queries
):
    with django_assert_max_num_queries(2):
        response = client.post(
            reverse("members:apply"), {"diagnosis_query": HUNDRED_KB, "search_diagnosis": "1"}
        )

    assert response.status_code == 200
    no_search.assert_not_called()
    text = Page(response.content).text
    assert TOO_LONG in text
    assert f"in at most {MAX_QUERY_LENGTH} characters" in text


def test_a_100_kb_query_sent_with_the_application_is_refused_at_the_field(
    client, alstrom, no_search
):
    data = applicant("Freja Christensen", diagnosis_query=HUNDRED_KB)

    response = client.post(reverse("members:apply"), data)

    assert response.status_code == 200
    no_search.assert_not_called()
    page = Page(response.content)
    assert TOO_LONG in (page.error_next_to("diagnosis_query") or "")
    assert "Tell us the diagnosis" not in page.text, "too long is not missing"
    assert not Application.objects.exists()


def test_a_query_within_the_bounds_is_searched_as_before(client, alstrom):
    response = client.post(
        reverse("members:apply"), {"diagnosis_query": "alstrom", "search_diagnosis": "1"}
    )

    assert (
        "Alström syndrome (ORPHA:64)" in Page(response.content).radio_choices("diagnosis").values()
    )

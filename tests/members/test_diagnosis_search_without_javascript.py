"""Finding the diagnosis in the catalogue with the form's own search button, no JavaScript:
the matches come back as choices, the form keeps what was typed and scolds nobody."""

from __future__ import annotations

import pytest
from django.urls import reverse

from members.models import Application

from ..conftest import applicant
from .page import Page
from .test_application_form_bad_input import FORM_FIELDS

KABUKI = "Kabuki syndrome (ORPHA:2322)"
ALSTROM = "Alström syndrome (ORPHA:64)"
NONE_OF_THESE = "None of these: send the diagnosis as I typed it"
NO_MATCH = "No match in the catalogue. That is fine: we will read what you typed."


def search(client, query: str, **overrides):
    data = applicant(
        "Freja Christensen",
        diagnosis_query=query,
        note="Min datter fik diagnosen i år.",
        consent_meetups=None,
        **overrides,
    )
    data = {name: value for name, value in data.items() if value is not None}
    data.pop("apply")
    response = client.post(reverse("members:apply"), {**data, "search_diagnosis": "Search"})
    return data, response


@pytest.mark.parametrize(
    ("query", "found", "not_found"),
    [
        pytest.param("Kabuki", KABUKI, ALSTROM, id="name"),
        pytest.param("kabuki syndrome", KABUKI, ALSTROM, id="name-lower-case"),
        pytest.param("Niikawa-Kuroki", KABUKI, ALSTROM, id="synonym"),
        pytest.param("niikawa kuroki", KABUKI, ALSTROM, id="synonym-without-hyphen"),
        pytest.param("ORPHA:2322", KABUKI, ALSTROM, id="orpha-code"),
        pytest.param("2322", KABUKI, ALSTROM, id="orpha-number"),
        pytest.param("Q87.0", KABUKI, ALSTROM, id="icd10-code"),
        pytest.param("Alström", ALSTROM, KABUKI, id="name-with-o-umlaut"),
        pytest.param("Alstrøm", ALSTROM, KABUKI, id="danish-o-slash"),
        pytest.param("Alstroem", ALSTROM, KABUKI, id="oe-spelled-out"),
        pytest.param("alstrom", ALSTROM, KABUKI, id="plain-o"),
        pytest.param("ORPHA:64", ALSTROM, KABUKI, id="orpha-code-alstrom"),
        pytest.param("E34.8", ALSTROM, KABUKI, id="icd10-code-alstrom"),
    ],
)
def test_matches_are_offered_as_choices(client, alstrom, kabuki, query, found, not_found):
    _data, response = search(client, query)

    assert response.status_code == 200
    choices = Page(response.content).radio_choices("diagnosis")
    labels = list(choices.values())
    assert found in labels
    assert not_found not in labels
    assert NONE_OF_THESE in labels


def test_a_search_shows_no_errors_and_keeps_everything_typed(client, alstrom, kabuki):
    data, response = search(client, "Niikawa-Kuroki")

    page = Page(response.content)
    assert page.by_id("error-summary") is None
    assert page.invalid_fields() == set()
    assert page.with_class("invalid-feedback") == []
    kept = {name: page.value(name) for name in FORM_FIELDS}
    assert kept == {name: data.get(name, "") for name in FORM_FIELDS}


def test_a_search_of_an_empty_form_shows_no_errors(client, alstrom):
    response = client.post(
        reverse("members:apply"), {"diagnosis_query": "alstrom", "search_diagnosis": "Search"}
    )

    page = Page(response.content)
    assert page.by_id("error-summary") is None
    assert page.invalid_fields() == set()
    assert ALSTROM in page.radio_choices("diagnosis").values()
    assert not Application.objects.exists()


def test_a_search_saves_nothing(client, kabuki, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        search(client, "Kabuki")

    assert not Application.objects.exists()
    assert mailoutbox == []


def test_the_chosen_match_is_saved_as_the_catalogue_diagnosis(client, alstrom, kabuki):
    data, response = search(client, "Niikawa-Kuroki")
    [kabuki_value] = [
        value
        for value, label in Page(response.content).radio_choices("diagnosis").items()
        if label == KABUKI
    ]

    response = client.post(
        reverse("members:apply"), {**data, "diagnosis": kabuki_value, "apply": "Send"}
    )

    assert response.status_code == 302
    application = Application.objects.get()
    assert application.diagnosis == kabuki
    assert application.diagnosis_text == ""


def test_a_diagnosis_not_in_the_catalogue_is_welcome_as_typed(client, alstrom, kabuki):
    data, response = search(client, "Helt ukendt syndrom XY")

    page = Page(response.content)
    assert NO_MATCH in page.text
    assert page.radio_choices("diagnosis") == {}
    assert page.by_id("error-summary") is None

    response = client.post(reverse("members:apply"), {**data, "apply": "Send"})

    assert response.status_code == 302
    application = Application.objects.get()
    assert application.diagnosis is None
    assert application.diagnosis_text == "Helt ukendt syndrom XY"


def test_none_of_the_matches_sends_the_diagnosis_as_typed(client, kabuki):
    data, response = search(client, "Kabuki")
    assert KABUKI in Page(response.content).radio_choices("diagnosis").values()

    response = client.post(reverse("members:apply"), {**data, "diagnosis": "", "apply": "Send"})

    assert response.status_code == 302
    application = Application.objects.get()
    assert application.diagnosis is None
    assert application.diagnosis_text == "Kabuki"

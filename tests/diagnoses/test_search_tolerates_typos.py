"""On PostgreSQL a misspelt name still finds its catalogue entry, among the first three."""

from __future__ import annotations

import pytest
from django.db import connection

from diagnoses.models import Diagnosis
from diagnoses.search import search_diagnoses
from diagnoses.services import save_diagnosis

from ..stack import require


@pytest.fixture
def catalogue(db):
    require(connection.vendor == "postgresql", "typo-tolerant search needs PostgreSQL")
    entries = [
        (64, "Alström syndrome", ["ALMS"], "E34.8"),
        (2322, "Kabuki syndrome", ["Niikawa-Kuroki syndrome"], "Q87.0"),
        (739, "Prader-Willi syndrome", ["PWS"], "Q87.1"),
        (3463, "Wolfram syndrome", ["DIDMOAD syndrome"], "E13.8"),
        (1937, "Eng-Strom syndrome", [], ""),
        (558, "Marfan syndrome", ["MFS"], "Q87.4"),
        (324, "Fabry disease", [], "E75.2"),
    ]
    for code, name, synonyms, icd10 in entries:
        save_diagnosis(Diagnosis(orpha_code=code, name=name, icd10_codes=icd10), synonyms)


def first_three(query: str) -> list[int]:
    return [d.orpha_code for d in search_diagnoses(query)[:3]]


@pytest.mark.parametrize(
    ("query", "orpha_code"),
    [
        pytest.param("Alstrom syndrom", 64, id="letter-missing"),
        pytest.param("Alstrem syndrome", 64, id="letter-wrong"),
        pytest.param("Kabuki syndrme", 2322, id="letter-missing-mid-word"),
        pytest.param("Kabuky syndrome", 2322, id="letter-wrong-kabuki"),
        pytest.param("Prader Willi", 739, id="word-missing"),
        pytest.param("Wolfram", 3463, id="word-missing-wolfram"),
        pytest.param("Marfn syndrome", 558, id="letter-missing-short-word"),
        pytest.param("Niikawa Kuroky", 2322, id="misspelt-synonym"),
    ],
)
def test_a_misspelt_name_finds_its_entry_among_the_first_three(catalogue, query, orpha_code):
    assert orpha_code in first_three(query)


def test_the_exact_name_comes_before_a_misspelling_of_another(catalogue):
    assert first_three("Eng-Strom syndrome")[0] == 1937
    assert first_three("Alström syndrome")[0] == 64


def test_codes_still_find_exactly_their_entry(catalogue):
    assert first_three("ORPHA:2322") == [2322]
    assert first_three("2322") == [2322]
    assert first_three("Q87.0") == [2322]


def test_an_unknown_diagnosis_finds_nothing(catalogue):
    assert first_three("Helt ukendt syndrom XY") == []

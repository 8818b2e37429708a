"""A diagnosis written as members write it finds its catalogue entry first: a possessive name
with the local word for disease or syndrome, Nordic spellings of Latin and Greek, æ/ø/å/ä/ö
typed plainly or spelled out, an abbreviation. English names are found as before."""

from __future__ import annotations

import pytest

from diagnoses.models import Diagnosis
from diagnoses.search import search_diagnoses
from diagnoses.services import save_diagnosis


@pytest.fixture
def catalogue(db):
    entries = [
        (399, "Huntington disease", ["HD"]),
        (248111, "Juvenile Huntington disease", []),
        (157941, "Huntington disease-like 1", []),
        (558, "Marfan syndrome", ["MFS"]),
        (284979, "Neonatal Marfan syndrome", []),
        (586, "Cystic fibrosis", ["CF", "Mucoviscidosis"]),
        (15, "Achondroplasia", []),
        (750, "Pseudoachondroplasia", []),
        (70, "Proximal spinal muscular atrophy", ["SMA"]),
        (86855, "Plasmacytoma", []),
        (324, "Fabry disease", []),
        (805, "Tuberous sclerosis complex", ["TSC"]),
        (64, "Alström syndrome", ["ALMS"]),
        (98878, "Hemophilia A", []),
        (739, "Prader-Willi syndrome", ["PWS"]),
    ]
    for code, name, synonyms in entries:
        save_diagnosis(Diagnosis(orpha_code=code, name=name), synonyms)


def first(query: str) -> int | None:
    found = list(search_diagnoses(query)[:1])
    return found[0].orpha_code if found else None


@pytest.mark.parametrize(
    ("query", "orpha_code"),
    [
        pytest.param("Huntingtons sygdom", 399, id="da-possessive"),
        pytest.param("Huntingtons sjukdom", 399, id="sv-possessive"),
        pytest.param("Huntingtons sykdom", 399, id="nb-possessive"),
        pytest.param("Huntingtonin tauti", 399, id="fi-genitive-in"),
        pytest.param("Huntington's disease", 399, id="en-possessive"),
        pytest.param("Marfans syndrom", 558, id="da-syndrome"),
        pytest.param("Marfanin oireyhtymä", 558, id="fi-syndrome"),
        pytest.param("Marfanin oireyhtyma", 558, id="fi-a-typed-plainly"),
        pytest.param("Fabryn tauti", 324, id="fi-genitive-n"),
        pytest.param("cystisk fibrose", 586, id="da-ose"),
        pytest.param("cystisk fibros", 586, id="sv-os"),
        pytest.param("kystinen fibroosi", 586, id="fi-oosi"),
        pytest.param("akondroplasi", 15, id="da-k-for-ch-i-for-ia"),
        pytest.param("tuberøs sklerose", 805, id="da-oe-k-for-c"),
        pytest.param("hæmofili A", 98878, id="da-ae-f-for-ph"),
        pytest.param("Alstrøms syndrom", 64, id="da-o-slash"),
        pytest.param("Alstroems syndrom", 64, id="o-spelled-out"),
        pytest.param("Prader-Willis syndrom", 739, id="da-hyphenated"),
        pytest.param("SMA", 70, id="abbreviation-before-words-containing-it"),
        pytest.param("Marfan syndrome", 558, id="english-exact"),
        pytest.param("Achondroplasia", 15, id="english-before-pseudo"),
    ],
)
def test_a_name_as_members_write_it_finds_its_entry_first(catalogue, query, orpha_code):
    assert first(query) == orpha_code


def test_the_words_for_disease_alone_still_search(catalogue):
    assert {d.orpha_code for d in search_diagnoses("syndrome")} >= {558, 64, 739}

"""The public page of patient associations: everything an applicant needs to contact one,
in the page's language, nothing staff keep to themselves, at a cost that does not grow with
the register."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from diagnoses.models import Association, Diagnosis, DiagnosisGroup
from diagnoses.services import save_diagnosis

from ..members.page import Page


def page_url(language: str = "en") -> str:
    with translation.override(language):
        return reverse("diagnoses:associations")


@pytest.fixture
def kabuki_families(kabuki):
    association = Association.objects.create(
        name="Kabuki Families",
        website="https://kabuki.example.org/",
        email="kabuki@example.org",
        phone="+4520123456",
        countries=["DK", "NO"],
        is_umbrella_member=True,
    )
    association.diagnoses.add(kabuki)
    return association


@pytest.fixture
def alstrom_friends(alstrom):
    association = Association.objects.create(name="Alström Friends", countries=["SE"])
    association.diagnoses.add(alstrom)
    return association


def entry(page: str, name: str) -> str:
    """The list item of one association."""
    start = page.index(f'<h3 class="h5">{name}</h3>')
    end = page.find('<li class="border-top', start)
    return page[start : end if end != -1 else len(page)]


def names_listed(response) -> list[str]:
    return re.findall(r'<h3 class="h5">([^<]+)</h3>', response.content.decode())


def test_the_page_shows_how_to_reach_each_association(visitor, kabuki_families, alstrom_friends):
    response = visitor.get(page_url())

    assert response.status_code == 200
    page = response.content.decode()
    assert '<html lang="en">' in page
    assert names_listed(response) == ["Alström Friends", "Kabuki Families"]
    kabuki = entry(page, "Kabuki Families")
    assert '<a href="https://kabuki.example.org/">Website of Kabuki Families</a>' in kabuki
    assert '<a href="mailto:kabuki@example.org">kabuki@example.org</a>' in kabuki
    assert '<a href="tel:+4520123456">+45 20 12 34 56</a>' in kabuki
    assert "Denmark, Norway" in kabuki
    assert '<ul><li><span lang="en">Kabuki syndrome</span></li></ul>' in kabuki
    assert "Member of the umbrella organisation" in kabuki
    alstrom = entry(page, "Alström Friends")
    assert "Sweden" in alstrom
    assert "Member of the umbrella organisation" not in alstrom
    assert "Website of" not in alstrom
    assert "mailto:" not in alstrom
    assert "Diagnosis names from Orphanet, www.orpha.net (CC BY 4.0)." in page


def test_country_names_follow_the_page_language(visitor, kabuki_families):
    response = visitor.get(page_url("da"))

    page = response.content.decode()
    assert '<html lang="da">' in page
    assert "Danmark, Norge" in page


def test_the_page_keeps_what_staff_know_about_groups_to_itself(visitor, kabuki_families, kabuki):
    group = DiagnosisGroup.objects.create(
        name="Kabuki (internal working name)",
        status=DiagnosisGroup.Status.HAS_ASSOCIATION,
        association=kabuki_families,
    )
    group.diagnoses.add(kabuki)

    response = visitor.get(page_url())

    page = response.content.decode()
    assert "Kabuki Families" in page
    assert "internal working name" not in page
    assert "has its own association" not in page


def test_the_page_costs_the_same_for_3_or_30_associations(visitor, kabuki, alstrom):
    def register(count: int) -> None:
        for i in range(Association.objects.count(), count):
            association = Association.objects.create(
                name=f"Association {i:02}",
                email=f"a{i}@example.org",
                countries=["DK", "SE"],
                is_umbrella_member=i % 2 == 0,
            )
            association.diagnoses.add(kabuki, alstrom)

    register(3)
    with CaptureQueriesContext(connection) as few:
        assert visitor.get(page_url()).status_code == 200
    register(30)
    with CaptureQueriesContext(connection) as many:
        response = visitor.get(page_url())

    assert len(names_listed(response)) == 25
    assert "30 associations" in response.content.decode()
    assert len(many) == len(few)


def test_a_long_register_is_read_a_page_at_a_time_keeping_the_search(visitor, kabuki):
    for i in range(30):
        Association.objects.create(name=f"Kabuki Circle {i:02}").diagnoses.add(kabuki)

    first = visitor.get(page_url(), {"q": "kabuki"})
    assert "30 associations found" in first.content.decode()
    assert names_listed(first) == [f"Kabuki Circle {i:02}" for i in range(25)]
    [next_link] = [a for a in Page(first.content).find("a") if a.text.strip() == "Next page"]

    second = visitor.get(page_url() + next_link.attrs["href"])

    assert names_listed(second) == [f"Kabuki Circle {i:02}" for i in range(25, 30)]
    assert "Page 2 of 2" in second.content.decode()


def test_a_search_finds_an_association_by_its_name(visitor, kabuki_families, alstrom_friends):
    response = visitor.get(page_url(), {"q": "families"})

    assert names_listed(response) == ["Kabuki Families"]
    assert "1 association found" in response.content.decode()


def test_a_search_finds_an_association_by_a_synonym_of_its_diagnosis(
    visitor, kabuki_families, alstrom_friends
):
    response = visitor.get(page_url(), {"q": "Niikawa-Kuroki"})

    assert names_listed(response) == ["Kabuki Families"]


def test_a_search_for_a_subtype_finds_the_association_for_the_disorder(
    visitor, kabuki_families, kabuki
):
    subtype = save_diagnosis(
        Diagnosis(orpha_code=369, name="Kabuki syndrome type 1", level=Diagnosis.Level.SUBTYPE),
        ["KMT2D-related Kabuki syndrome"],
    )
    subtype.parents.add(kabuki)

    response = visitor.get(page_url(), {"q": "KMT2D"})

    assert names_listed(response) == ["Kabuki Families"]


def test_the_list_narrows_to_one_country(visitor, kabuki_families, alstrom_friends):
    response = visitor.get(page_url(), {"country": "SE"})

    assert names_listed(response) == ["Alström Friends"]
    page = response.content.decode()
    assert '<option value="SE" selected>Sweden</option>' in page


def test_a_search_that_finds_nothing_says_so(visitor, kabuki_families):
    response = visitor.get(page_url(), {"q": "nothing like this"})

    assert names_listed(response) == []
    assert "No association matches your search." in response.content.decode()


@pytest.mark.parametrize("url_name", ["home", "members:apply"])
def test_the_page_is_linked_from_the_public_pages(visitor, db, url_name):
    with translation.override("en"):
        response = visitor.get(reverse(url_name))

    assert f'href="{page_url()}"' in response.content.decode()

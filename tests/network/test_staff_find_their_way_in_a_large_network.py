"""What staff do on the lists of a large network, where the pages read only what they show:
a group is chosen by typing the start of its name (no sidebar of ten thousand links), a
person is found by part of a name, a whole email address or a phone number as people write
it, and a large group's contact list shows its deliveries fifty at a time."""

from __future__ import annotations

import pytest
from django.urls import reverse

from contactlists.models import ContactList
from diagnoses.models import Diagnosis, DiagnosisGroup
from members.models import Membership, Person

from ..members.conftest import confirmed
from ..members.page import Page
from ..seeding import seed_group


@pytest.fixture
def groups(db, alstrom, kabuki):
    wolfram = Diagnosis.objects.create(orpha_code=3463, name="Wolfram syndrome")
    kabuki_group = seed_group(kabuki, 120, name="Kabuki syndrome")
    alstrom_group = DiagnosisGroup.objects.create(name="Alström syndrome")
    wolfram_group = DiagnosisGroup.objects.create(name="Wolfram syndrome")
    alstrom_group.diagnoses.add(alstrom)
    wolfram_group.diagnoses.add(wolfram)
    # Two of the Kabuki group's members are in another group too.
    mette, ida = Person.objects.filter(
        email__in=["member00001@example.org", "member00010@example.org"]
    )
    Membership.objects.create(person=mette, group=alstrom_group)
    Membership.objects.create(person=ida, group=wolfram_group)
    return {"kabuki": kabuki_group, "alström": alstrom_group, "wolfram": wolfram_group}


@pytest.fixture
def staff(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("admin", "a@example.org", "x"))
    return client


def result_rows(response) -> list[str]:
    page = Page(response.content)
    return [row.text for row in page.find("tr") if row.is_within("result_list")][1:]


def sidebar_links(response) -> list[str]:
    return [a.text for a in Page(response.content).find("a") if a.is_within("changelist-filter")]


@pytest.mark.parametrize(
    "list_name",
    [
        "admin:members_membership_changelist",
        "admin:contactlists_contactlist_changelist",
    ],
)
def test_a_group_is_chosen_by_the_start_of_its_name_not_from_a_list_of_every_group(
    groups, staff, list_name
):
    everything = staff.get(reverse(list_name))
    assert not any("syndrome" in link for link in sidebar_links(everything))
    field = Page(everything.content).by_id("filter-group_name")
    assert field.attrs["type"] == "search"

    response = staff.get(reverse(list_name), {"group_name": "kab", "o": "1"})

    rows = result_rows(response)
    assert rows and all("Kabuki syndrome" in row for row in rows)
    form = Page(response.content).by_id("filter-group_name")
    assert form.attrs["value"] == "kab"
    # Choosing a group keeps the rest of the list's state, such as its sort.
    kept = {
        e.attrs["name"]: e.attrs["value"]
        for e in Page(response.content).find("input", type="hidden")
        if e.is_within("changelist-filter")
    }
    assert kept == {"o": "1"}


@pytest.mark.parametrize(
    "typed, found",
    [
        ("Mette", {"Mette Jensen", "Mette Nielsen", "Mette Hansen", "Mette Pedersen",
                   "Mette Andersen", "Mette Christensen"}),
        ("ette nielsen", {"Mette Nielsen"}),
        ("member00003@example.org", {"Jens Jensen"}),
        ("MEMBER00003@Example.ORG", {"Jens Jensen"}),
        ("20 20 00 03", {"Jens Jensen"}),
        ("+45 2020 0003", {"Jens Jensen"}),
        ("member00003", set()),
    ],
)  # fmt: skip
def test_a_person_is_found_by_part_of_a_name_a_whole_email_or_a_phone_as_written(
    groups, staff, typed, found
):
    response = staff.get(reverse("admin:members_person_changelist"), {"q": typed})

    names = {row.split("  ")[0] for row in result_rows(response)}
    assert {name for name in found if any(name in row for row in result_rows(response))} == found
    assert len(result_rows(response)) == len(found), names


def test_a_large_groups_list_shows_its_deliveries_fifty_at_a_time(groups, staff):
    contact_list = ContactList.objects.get(group=groups["kabuki"])
    url = reverse("admin:contactlists_contactlist_change", args=[contact_list.pk])

    first = staff.get(url)
    last = staff.get(url, {"deliveries": 3})

    def recipients(response):
        page = Page(response.content)
        return [td.text for td in page.find("td") if "field-person" in td.classes]

    assert len(recipients(first)) == 50
    assert len(recipients(last)) == 20
    assert not set(recipients(first)) & set(recipients(last)) - {""}
    assert "1–50 of 120" in Page(first.content).text
    assert "101–120 of 120" in Page(last.content).text


def test_the_people_a_search_finds_are_listed_by_name(groups, staff):
    response = staff.get(reverse("admin:members_person_changelist"), {"q": "sen"})

    names = [row.split("@")[0] for row in result_rows(response)]
    assert len(names) > 20
    assert names == sorted(names)


@pytest.mark.parametrize(
    "typed, found",
    [
        ("freja", {"Freja Dahl"}),
        ("Alström", {"Freja Dahl"}),
        ("sankt veits", {"Bo Holm"}),
        ("BO.HOLM@example.org", {"Bo Holm"}),
        ("holm@example.org", set()),
    ],
)
def test_an_application_is_found_by_name_whole_email_or_diagnosis(db, staff, alstrom, typed, found):
    confirmed("Freja Dahl", alstrom)
    confirmed("Bo Holm", diagnosis_text="Sankt Veits dans", email="bo.holm@example.org")

    for queue in ["admin:members_application_changelist", "admin:members_reviewqueue_changelist"]:
        rows = result_rows(staff.get(reverse(queue), {"q": typed}))
        listed = {name for name in ["Freja Dahl", "Bo Holm"] if any(name in row for row in rows)}
        assert (listed, len(rows)) == (found, len(found)), queue

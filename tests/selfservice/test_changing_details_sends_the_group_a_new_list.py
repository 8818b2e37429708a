"""A member changes their details and what the group sees; a change the group can see goes
out as one new list version, through the same path as any other change."""

from __future__ import annotations

from django.urls import reverse

from members.models import Person
from selfservice.forms import initial_details

from ..contactlists.conftest import group_of, latest_list, list_emails
from ..members.page import Page


def typed(person: Person, **changes) -> dict:
    """The details form as the browser sends it from the page shown to the person, with
    `changes` typed in; None (as for an unticked box or an empty field) sends nothing."""
    data = {}
    for name, value in {**initial_details(person), **changes}.items():
        if value is not None and value is not False:
            data[name] = "on" if value is True else str(value)
    return data


def test_a_new_phone_number_reaches_the_group_in_a_new_list_version(
    group_a, client, sign_in, after_commit, mailoutbox
):
    mette, jonas = group_a
    before = latest_list(group_of(mette)).version
    sign_in(mette)
    mailoutbox.clear()

    with after_commit():
        response = client.post(reverse("selfservice:details"), typed(mette, phone="29 99 88 77"))

    assert response.status_code == 302
    assert response["Location"] == reverse("selfservice:membership")
    assert str(Person.objects.get(pk=mette.pk).phone) == "+45 29 99 88 77"
    contact_list = latest_list(group_of(mette))
    assert contact_list.version == before + 1
    [entry] = [e for e in contact_list.entries if e["person_id"] == mette.pk]
    assert entry["phone"] == "+45 29 99 88 77"
    [to_jonas] = list_emails(mailoutbox, jonas.email)
    assert "+45 29 99 88 77" in to_jonas.text()
    assert Person.objects.get(pk=mette.pk).details_changed_by is None
    assert "Your details are saved." in Page(client.get(response["Location"]).content).text


def test_saving_without_a_change_sends_no_list(group_a, client, sign_in, after_commit, mailoutbox):
    mette, _jonas = group_a
    before = latest_list(group_of(mette)).version
    sign_in(mette)
    mailoutbox.clear()

    with after_commit():
        response = client.post(reverse("selfservice:details"), typed(mette))

    assert response.status_code == 302
    assert latest_list(group_of(mette)).version == before
    assert list_emails(mailoutbox) == []


def test_a_member_who_stops_sharing_the_phone_is_on_the_next_list_without_it(
    group_a, client, sign_in, after_commit, mailoutbox
):
    mette, jonas = group_a
    sign_in(mette)
    mailoutbox.clear()

    with after_commit():
        client.post(reverse("selfservice:details"), typed(mette, share_phone=None))

    [to_jonas] = list_emails(mailoutbox, jonas.email)
    assert "Mette Holm" in to_jonas.text()
    assert "+45 20 12 34 56" not in to_jonas.text()
    seen = Page(client.get(reverse("selfservice:membership")).content).text
    assert "+45 20 12 34 56" not in seen.split("What your group sees")[1].split("What we may")[0]


def test_the_page_says_plainly_what_the_group_sees(group_a, client, sign_in):
    mette, _jonas = group_a
    Person.objects.filter(pk=mette.pk).update(share_address=False, birth_year=2015)
    sign_in(mette)

    page = Page(client.get(reverse("selfservice:details")).content)

    assert "Your name and email address are always shown" in page.text
    preview = page.text.split("appear on the contact lists of your groups now:")[1]
    assert "Mette Holm" in preview and mette.email in preview
    assert "Skovvej 12" not in preview, "the address is not shared"
    assert "born 2015" not in preview, "the birth year is shared only when chosen"
    assert page.value("share_phone") == "on"
    assert page.value("share_address") == ""
    assert page.value("street_address") == "Skovvej 12"


def test_a_member_who_chooses_another_language_is_taken_to_the_page_in_it(group_a, client, sign_in):
    mette, _jonas = group_a
    sign_in(mette)

    response = client.post(reverse("selfservice:details"), typed(mette, language="nb"))

    assert response["Location"] == "/nb/members/me/"
    assert Person.objects.get(pk=mette.pk).language == "nb"

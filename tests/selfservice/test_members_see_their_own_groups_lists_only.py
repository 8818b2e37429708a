"""A signed-in member sees the current list of each group they belong to, online and as the
email's CSV and vCard files, and never the list of a group they are not in (or have left).
Member pages are kept by no cache, and ask anyone not signed in to sign in."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contactlists.models import ContactList
from members.models import Membership
from members.services import leave_group

from ..contactlists.conftest import DETAILS, group_of, latest_list
from ..members.page import Page


def test_a_member_sees_the_current_list_of_their_group(group_a, group_b, client, sign_in):
    mette, jonas = group_a
    aud, lars = group_b
    sign_in(mette)

    page = Page(client.get(reverse("selfservice:membership")).content)

    version = latest_list(group_of(mette)).version
    assert f"2 members, version {version}" in page.text
    for person in (mette, jonas):
        phone, street, postal_code, city, _country = DETAILS[person.full_name]
        assert person.full_name in page.text
        assert street in page.text and f"{postal_code} {city}" in page.text
        assert person.email in page.text
    assert "+45 31 23 45 67" in page.text
    for stranger in (aud, lars):
        assert stranger.full_name not in page.text
        assert stranger.email not in page.text


def test_the_list_shown_is_the_groups_latest_version(group_a, client, sign_in):
    mette, _jonas = group_a
    group = group_of(mette)
    newest = latest_list(group)
    ContactList.objects.create(
        group=group,
        version=newest.version + 1,
        entries=[
            {**entry, "full_name": entry["full_name"] + " Newest"} for entry in newest.entries
        ],
    )
    sign_in(mette)

    page = Page(client.get(reverse("selfservice:membership")).content)

    assert "Mette Holm Newest" in page.text
    assert f"version {newest.version + 1}" in page.text


@pytest.mark.parametrize(
    ("name", "extension", "content_type"),
    [
        ("selfservice:contact_list_csv", "csv", "text/csv"),
        ("selfservice:contact_list_vcard", "vcf", "text/vcard"),
    ],
)
def test_a_member_downloads_their_groups_list_as_the_email_attaches_it(
    group_a, client, sign_in, name, extension, content_type
):
    mette, jonas = group_a
    group = group_of(mette)
    sign_in(mette)

    response = client.get(reverse(name, args=[group.pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    version = latest_list(group).version
    assert response["Content-Disposition"] == (
        f'attachment; filename="contact-list-v{version}.{extension}"'
    )
    assert "no-store" in response["Cache-Control"]
    content = response.content.decode("utf-8-sig")
    assert "Mette Holm" in content and "Jonas Berg" in content
    assert jonas.email in content


@pytest.mark.parametrize("name", ["selfservice:contact_list_csv", "selfservice:contact_list_vcard"])
def test_a_member_cannot_download_another_groups_list(group_a, group_b, client, sign_in, name):
    mette, _jonas = group_a
    aud, _lars = group_b
    sign_in(mette)

    response = client.get(reverse(name, args=[group_of(aud).pk]))

    assert response.status_code == 404
    assert b"Aud Hansen" not in response.content


def test_a_group_the_member_has_left_is_neither_shown_nor_downloadable(
    group_a, client, sign_in, after_commit
):
    mette, _jonas = group_a
    group = group_of(mette)
    with after_commit():
        leave_group(Membership.objects.get(person=mette, group=group), by=None)
    sign_in(mette)

    page = Page(client.get(reverse("selfservice:membership")).content)

    assert group.name not in page.text
    assert "Jonas Berg" not in page.text
    assert client.get(reverse("selfservice:contact_list_csv", args=[group.pk])).status_code == 404


def test_the_page_costs_the_same_queries_for_one_group_as_for_two(
    group_a, kabuki, secretariat, send_lists, client, sign_in, django_assert_num_queries
):
    from ..conftest import admit

    mette, _jonas = group_a
    sign_in(mette)
    with CaptureQueriesContext(connection) as one_group:
        client.get(reverse("selfservice:membership"))
    # The session, the person, their memberships, the lists, the consents (and the session
    # saved again, where every request moves its end).
    assert len(one_group.captured_queries) <= 8
    admit("Mette Holm", kabuki, secretariat)
    send_lists()

    with django_assert_num_queries(len(one_group.captured_queries)):
        response = client.get(reverse("selfservice:membership"))

    assert "Kabuki syndrome" in Page(response.content).text


MEMBER_PAGES = [
    ("selfservice:membership", []),
    ("selfservice:details", []),
    ("selfservice:consents", []),
    ("selfservice:my_data", []),
    ("selfservice:my_data_download", []),
    ("selfservice:leave_network", []),
    ("selfservice:leave_group", ["group"]),
    ("selfservice:contact_list_csv", ["group"]),
    ("selfservice:contact_list_vcard", ["group"]),
]


def url(name: str, args: list, person) -> str:
    return reverse(name, args=[group_of(person).pk if arg == "group" else arg for arg in args])


@pytest.mark.parametrize(("name", "args"), MEMBER_PAGES)
def test_member_pages_are_kept_by_no_cache(group_a, client, sign_in, name, args):
    mette, _jonas = group_a
    sign_in(mette)

    response = client.get(url(name, args, mette))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize(("name", "args"), MEMBER_PAGES)
def test_someone_not_signed_in_is_asked_to_sign_in(group_a, client, name, args):
    mette, _jonas = group_a

    response = client.get(url(name, args, mette))

    assert response.status_code == 302
    assert response["Location"] == reverse("selfservice:sign_in")


@pytest.mark.parametrize("name", ["selfservice:sign_in", "selfservice:link_sent"])
def test_the_sign_in_pages_are_kept_by_no_cache_either(db, client, name):
    response = client.get(reverse(name))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]

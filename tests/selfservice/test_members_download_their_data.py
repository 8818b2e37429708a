"""A member downloads everything the network holds about them as one JSON file, or reads it
on a page: their details, their groups, their consents, the lists sent to them."""

from __future__ import annotations

import json

from django.urls import reverse

from ..contactlists.conftest import group_of
from ..members.page import Page


def test_the_download_is_one_json_file_with_the_members_groups(group_a, client, sign_in):
    mette, _jonas = group_a
    sign_in(mette)

    response = client.get(reverse("selfservice:my_data_download"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'attachment; filename="personal-data.json"'
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)
    assert data["person"]["email"] == mette.email
    assert [m["group"] for m in data["memberships"]] == [group_of(mette).name]
    assert {c["kind"] for c in data["consents"]} >= {"share_contact_details", "mailings"}
    assert data["contact_lists_sent_to_you"][0]["group"] == group_of(mette).name


def test_the_page_shows_the_same_data_for_a_person_to_read(group_a, group_b, client, sign_in):
    mette, _jonas = group_a
    aud, _lars = group_b
    sign_in(mette)

    response = client.get(reverse("selfservice:my_data"))

    assert response.status_code == 200
    page = Page(response.content)
    assert "Memberships" in page.text
    assert group_of(mette).name in page.text
    assert "Skovvej 12" in page.text
    assert "Street address" in page.text, "a field under its label, not its name"
    assert "Aud Hansen" not in page.text

"""A member leaves one group (after a page that asks), or the whole network (after a page
that says everything is erased at once, for good): then they are signed out and bid a
kind goodbye, and the group is sent a list without them."""

from __future__ import annotations

from django.urls import reverse

from members.models import Membership, Person

from ..contactlists.conftest import group_of, latest_list, list_emails
from ..members.page import Page


def test_leaving_a_group_asks_first_and_then_ends_the_membership(
    group_a, client, sign_in, after_commit, mailoutbox
):
    mette, jonas = group_a
    group = group_of(mette)
    sign_in(mette)
    leave = reverse("selfservice:leave_group", args=[group.pk])

    asked = client.get(leave)
    assert asked.status_code == 200
    assert f"Leave the {group.name} group?" in Page(asked.content).text
    assert Membership.objects.active().filter(person=mette, group=group).exists()

    with after_commit():
        response = client.post(leave)

    assert response.status_code == 302
    membership = Membership.objects.get(person=mette, group=group)
    assert membership.left_at is not None and membership.ended_by is None
    assert all(entry["person_id"] != mette.pk for entry in latest_list(group).entries)
    [to_jonas] = list_emails(mailoutbox, jonas.email)
    assert "Mette Holm" not in to_jonas.text()
    assert list_emails(mailoutbox, mette.email) == []
    page = Page(client.get(response["Location"]).content)
    assert f"You have left the {group.name} group." in page.text
    assert "You are not a member of any group at present." in page.text


def test_a_member_cannot_leave_a_group_they_are_not_in(group_a, group_b, client, sign_in):
    mette, _jonas = group_a
    aud, _lars = group_b
    sign_in(mette)

    response = client.post(reverse("selfservice:leave_group", args=[group_of(aud).pk]))

    assert response.status_code == 404
    assert Membership.objects.active().filter(person=aud).exists()


def test_leaving_the_network_explains_erasure_then_erases_and_says_goodbye(
    group_a, client, sign_in, after_commit, mailoutbox
):
    mette, jonas = group_a
    group = group_of(mette)
    sign_in(mette)

    asked = Page(client.get(reverse("selfservice:leave_network")).content)
    assert "everything the network holds about you is erased at once" in asked.text
    assert "This cannot be undone." in asked.text
    assert group.name in asked.text

    with after_commit():
        response = client.post(reverse("selfservice:leave_network"))

    assert response.status_code == 302
    assert response["Location"] == reverse("selfservice:goodbye")
    assert not Person.objects.filter(pk=mette.pk).exists()
    assert Membership.objects.filter(group=group, person=None).exists(), "an anonymous count"
    [to_jonas] = list_emails(mailoutbox, jonas.email)
    assert "Mette Holm" not in to_jonas.text()
    goodbye = client.get(response["Location"])
    assert "You have left the network" in Page(goodbye.content).text
    assert client.get(reverse("selfservice:membership"))["Location"] == reverse(
        "selfservice:sign_in"
    )


def test_the_goodbye_is_in_the_members_language(group_a, client, sign_in):
    mette, _jonas = group_a
    Person.objects.filter(pk=mette.pk).update(language="fi")
    mette.refresh_from_db()
    sign_in(mette)

    response = client.post(reverse("selfservice:leave_network"))

    assert response["Location"] == "/fi/members/goodbye/"

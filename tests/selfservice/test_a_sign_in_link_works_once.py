"""A sign-in link signs its member in once. Opening it only shows a button (a mail scanner
that opens it uses nothing up); the button signs in, and from then on the link, and every
link sent before it, gives a page that says so and offers a new one: never an error."""

from __future__ import annotations

from django.urls import reverse

from members.models import Person
from selfservice.services import sign_in_token
from selfservice.views import SESSION_KEY

from ..members.page import Page


def test_the_link_signs_in_once_and_not_again(group_a, client, ask_for_link):
    mette, _jonas = group_a
    link = ask_for_link(mette)

    opened = client.get(link)
    assert opened.status_code == 200
    assert Page(opened.content).find("button", type="submit")
    signed_in = client.post(link)
    assert signed_in.status_code == 302
    assert signed_in["Location"] == reverse("selfservice:membership")
    assert client.get(signed_in["Location"]).status_code == 200

    client.post(reverse("selfservice:sign_out"))
    for again in (client.get(link), client.post(link)):
        assert again.status_code == 400
        page = Page(again.content)
        assert "A sign-in link works only once" in page.text
        assert page.controls("email"), "offers to send a new link"
        assert SESSION_KEY not in client.session


def test_opening_the_link_signs_no_one_in_and_uses_nothing_up(group_a, client, ask_for_link):
    mette, _jonas = group_a
    link = ask_for_link(mette)

    for _scanner_and_member in range(2):
        assert client.get(link).status_code == 200
    assert SESSION_KEY not in client.session
    assert client.get(reverse("selfservice:membership"))["Location"] == reverse(
        "selfservice:sign_in"
    )
    assert Person.objects.get(pk=mette.pk).last_signed_in_at is None

    assert client.post(link).status_code == 302


def test_signing_in_records_when_and_starts_a_new_session(group_a, client, ask_for_link):
    mette, _jonas = group_a
    link = ask_for_link(mette)
    client.get(link)
    before = client.session.session_key

    client.post(link)

    assert client.session.session_key != before
    assert client.session[SESSION_KEY] == str(mette.pseudonym)
    assert Person.objects.get(pk=mette.pk).last_signed_in_at is not None


def test_signing_in_with_one_link_ends_the_links_sent_before_it(group_a, client, ask_for_link):
    mette, _jonas = group_a
    first = ask_for_link(mette)
    second = ask_for_link(mette)

    assert client.post(second).status_code == 302

    assert client.post(first).status_code == 400


def test_a_changed_or_cut_link_gives_the_clear_page(group_a, client, ask_for_link):
    mette, jonas = group_a
    link = ask_for_link(mette)
    token = link.rstrip("/").rsplit("/", 1)[1]
    jonas_token = sign_in_token(jonas)
    changed = [
        token[:-3] + ("AAA" if not token.endswith("AAA") else "BBB"),  # the signature
        token[: len(token) // 2],  # cut by an email program
        jonas_token.split(":")[0] + ":" + token.split(":", 1)[1],  # someone else's id
        "not-a-link",
    ]

    for bad in changed:
        response = client.get(reverse("selfservice:sign_in_link", args=[bad]))
        assert response.status_code == 400, bad
        assert "This link does not work" in Page(response.content).text
        assert client.post(reverse("selfservice:sign_in_link", args=[bad])).status_code == 400

    assert SESSION_KEY not in client.session


def test_a_member_is_taken_to_their_page_in_their_own_language(group_a, client, ask_for_link):
    mette, _jonas = group_a
    Person.objects.filter(pk=mette.pk).update(language="sv")
    mette.refresh_from_db()

    response = client.post(ask_for_link(mette))

    assert response["Location"] == "/sv/members/me/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert '<html lang="sv">' in page.content.decode()


def test_a_link_for_someone_who_has_since_left_the_network_gives_the_clear_page(
    group_a, client, ask_for_link
):
    from members.privacy import leave_network

    mette, _jonas = group_a
    link = ask_for_link(mette)
    leave_network(mette)

    response = client.get(link)

    assert response.status_code == 400
    assert "This link does not work" in Page(response.content).text


def test_signing_out_ends_the_members_session(group_a, client, sign_in):
    mette, _jonas = group_a
    sign_in(mette)
    assert client.get(reverse("selfservice:membership")).status_code == 200

    response = client.post(reverse("selfservice:sign_out"))

    assert response.status_code == 302
    assert "You are signed out." in Page(client.get(response["Location"]).content).text
    assert client.get(reverse("selfservice:membership"))["Location"] == reverse(
        "selfservice:sign_in"
    )

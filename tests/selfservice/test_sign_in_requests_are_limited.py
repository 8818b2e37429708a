"""Links are asked for at most a few times an hour for one address, and a few more from one
client address: after that a page asks the visitor to wait, for any address alike."""

from __future__ import annotations

import pytest
from django.urls import reverse

from ..members.page import Page


@pytest.fixture(autouse=True)
def limits(settings):
    """Five links an hour for one address, twenty from one client address."""
    settings.RATELIMITS = {**settings.RATELIMITS, "sign-in": "20/h", "sign-in-email": "5/h"}


PER_ADDRESS = 5
PER_IP = 20


def ask(client, address: str, ip: str = "192.0.2.1"):
    return client.post(reverse("selfservice:sign_in"), {"email": address}, REMOTE_ADDR=ip)


def test_one_address_is_sent_only_a_few_links_an_hour(group_a, client, after_commit, mailoutbox):
    mette, _jonas = group_a
    with after_commit():
        for n in range(PER_ADDRESS):
            assert ask(client, mette.email, ip=f"192.0.2.{n}").status_code == 302

    with after_commit():
        # From elsewhere, and written otherwise: the same address.
        response = ask(client, mette.email.upper(), ip="198.51.100.7")

    assert response.status_code == 429
    assert "Please wait a little" in Page(response.content).text
    assert len(mailoutbox) == PER_ADDRESS
    assert ask(client, "someone.else@example.org", ip="198.51.100.7").status_code == 302


def test_an_unknown_address_is_limited_just_as_a_members(db, client):
    for _n in range(PER_ADDRESS):
        assert ask(client, "stranger@example.org").status_code == 302

    assert ask(client, "stranger@example.org").status_code == 429


def test_one_client_asks_for_only_so_many_links_an_hour(db, client):
    for n in range(PER_IP):
        assert ask(client, f"person{n}@example.org").status_code == 302

    response = ask(client, "one.more@example.org")

    assert response.status_code == 429
    assert "Please wait a little" in Page(response.content).text
    assert ask(client, "one.more@example.org", ip="203.0.113.9").status_code == 302

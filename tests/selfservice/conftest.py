"""Members of two groups whose lists have gone out, signed in the way a member signs in:
a link asked for on the sign-in page, taken from the email, opened and confirmed."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from django.urls import reverse

from members.models import Person

from ..contactlists import conftest as lists
from ..contactlists.conftest import join

# The contact-list tests' fixtures: work that commits start, run as a worker would.
after_commit = lists.after_commit
send_lists = lists.send_lists

LINK = re.compile(r"https?://\S+/members/sign-in/[^/\s]+/")


@pytest.fixture
def group_a(alstrom, secretariat, send_lists, mailoutbox):
    """The Alström group: Mette Holm and Jonas Berg, each with the list in their email."""
    mette = join("Mette Holm", alstrom, secretariat)
    jonas = join("Jonas Berg", alstrom, secretariat)
    send_lists()
    mailoutbox.clear()
    return mette, jonas


@pytest.fixture
def group_b(kabuki, secretariat, send_lists, mailoutbox):
    """The Kabuki group: Aud Hansen and Lars Eriksen."""
    aud = join("Aud Hansen", kabuki, secretariat)
    lars = join("Lars Eriksen", kabuki, secretariat)
    send_lists()
    mailoutbox.clear()
    return aud, lars


def sign_in_link_path(mailoutbox, address: str) -> str:
    """The path of the newest sign-in link in the email sent to `address`."""
    # By the link it carries: the subject is in the member's language.
    mails = [mail for mail in mailoutbox if address in mail.to and LINK.search(mail.body)]
    assert mails, f"no sign-in email to {address}"
    return urlparse(LINK.search(mails[-1].body).group(0)).path


@pytest.fixture
def ask_for_link(client, after_commit, mailoutbox):
    """Ask for a link on the sign-in page, as the member would; returns the link's path."""

    def ask(person: Person) -> str:
        with after_commit():
            response = client.post(reverse("selfservice:sign_in"), {"email": person.email})
        assert response.status_code == 302, response.content.decode()
        return sign_in_link_path(mailoutbox, person.email)

    return ask


@pytest.fixture
def sign_in(client, ask_for_link):
    """Sign the person in through a link of their own; the client is then theirs."""

    def sign_in_as(person: Person):
        response = client.post(ask_for_link(person))
        assert response.status_code == 302, response.content.decode()
        return client

    return sign_in_as

"""A link older than MEMBER_SIGN_IN_MAX_AGE says it is too old, and offers a new one."""

from __future__ import annotations

import time

from django.core import signing
from django.urls import reverse

from selfservice.services import sign_in_token
from selfservice.views import SESSION_KEY

from ..members.page import Page


def link_made_ago(person, seconds: int, monkeypatch) -> str:
    """The person's link as it was made `seconds` ago."""
    with monkeypatch.context() as past:
        past.setattr(
            signing.TimestampSigner,
            "timestamp",
            lambda self: signing.b62_encode(int(time.time()) - seconds),
        )
        token = sign_in_token(person)
    return reverse("selfservice:sign_in_link", args=[token])


def test_a_link_older_than_the_setting_gives_the_clear_page(group_a, client, settings, monkeypatch):
    mette, _jonas = group_a
    settings.MEMBER_SIGN_IN_MAX_AGE = 600
    link = link_made_ago(mette, 660, monkeypatch)

    for response in (client.get(link), client.post(link)):
        assert response.status_code == 400
        page = Page(response.content)
        assert "The link is too old" in page.text
        assert page.controls("email"), "offers to send a new link"
        assert any(
            "Send me a link" in button.attrs.get("value", "") for button in page.find("input")
        )

    assert SESSION_KEY not in client.session


def test_a_link_within_the_setting_still_works(group_a, client, settings, monkeypatch):
    mette, _jonas = group_a
    settings.MEMBER_SIGN_IN_MAX_AGE = 600
    link = link_made_ago(mette, 540, monkeypatch)

    assert client.post(link).status_code == 302


def test_by_default_a_link_works_for_an_hour(group_a, client, monkeypatch):
    mette, _jonas = group_a

    assert client.get(link_made_ago(mette, 3540, monkeypatch)).status_code == 200
    assert client.get(link_made_ago(mette, 3660, monkeypatch)).status_code == 400


def test_the_clear_page_sends_a_new_link_that_works(
    group_a, client, monkeypatch, after_commit, mailoutbox
):
    from .conftest import sign_in_link_path

    mette, _jonas = group_a
    old = client.get(link_made_ago(mette, 7200, monkeypatch))
    form = Page(old.content).find("form")[-1]

    with after_commit():
        asked = client.post(form.attrs["action"], {"email": mette.email})

    assert asked.status_code == 302
    assert client.post(sign_in_link_path(mailoutbox, mette.email)).status_code == 302

"""Asking for a sign-in link answers alike for a member's address and for any other: the
same status, redirect and page, after the same work. Only the member gets an email."""

from __future__ import annotations

import re

import kombu.exceptions
import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from selfservice import tasks

from ..members.page import Page

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def masked(content: bytes) -> str:
    return CSRF.sub('name="csrfmiddlewaretoken" value="…"', content.decode())


def ask(client, address: str):
    response = client.post(reverse("selfservice:sign_in"), {"email": address})
    page = client.get(response["Location"]) if response.status_code == 302 else None
    return response, page


def test_a_members_address_and_an_unknown_one_get_the_same_answer(
    group_a, client, after_commit, mailoutbox
):
    mette, _jonas = group_a
    with after_commit():
        known, known_page = ask(client, mette.email)
    with after_commit():
        unknown, unknown_page = ask(client, "nobody.here@example.org")

    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("selfservice:link_sent")
    assert known.content == unknown.content
    assert known_page.status_code == unknown_page.status_code == 200
    assert masked(known_page.content) == masked(unknown_page.content)
    assert (
        "If this address belongs to a member, we have sent a link" in Page(known_page.content).text
    )
    assert [mail.to for mail in mailoutbox] == [[mette.email]]


def test_the_request_only_hands_the_address_to_the_worker_whatever_it_is(
    group_a, client, monkeypatch, django_assert_num_queries
):
    """No lookup in the request: the worker does it, so no answer is faster for a stranger."""
    published = []
    monkeypatch.setattr(
        tasks.send_sign_in_link_task,
        "apply_async",
        lambda args, **options: published.append((args, options)),
    )
    mette, _jonas = group_a

    for address in (mette.email, "nobody.here@example.org"):
        with django_assert_num_queries(0):
            response = client.post(reverse("selfservice:sign_in"), {"email": address})
        assert response.status_code == 302

    assert published == [((mette.email,), {}), (("nobody.here@example.org",), {})]


def test_the_email_asks_nothing_of_someone_who_is_not_a_member(
    db, client, after_commit, mailoutbox
):
    with after_commit():
        response = client.post(reverse("selfservice:sign_in"), {"email": "stranger@example.org"})

    assert response.status_code == 302
    assert mailoutbox == []


@pytest.mark.parametrize("typed", ["mette.holm@", "mette holm", ""])
def test_a_mistyped_address_is_shown_again_with_the_error_at_the_field(db, client, typed):
    response = client.post(reverse("selfservice:sign_in"), {"email": typed})

    assert response.status_code == 200
    page = Page(response.content)
    assert page.value("email") == typed
    assert page.is_marked_invalid("email")
    assert page.error_next_to("email")
    assert page.summary_links() and page.summary_link_reaches(page.summary_links()[0][0], "email")


def test_the_sign_in_link_is_sent_in_the_members_language(
    group_a, client, after_commit, mailoutbox
):
    mette, _jonas = group_a
    mette.language = "sv"
    mette.save(update_fields=["language"])

    with after_commit():
        client.post(reverse("selfservice:sign_in"), {"email": mette.email.upper()})

    [mail] = mailoutbox
    assert "/sv/members/sign-in/" in mail.body
    with translation.override("sv"):
        greeting = gettext("Dear %(name)s,") % {"name": "Mette Holm"}
    assert greeting != "Dear Mette Holm,"
    assert mail.body.startswith(greeting)


def test_when_the_worker_cannot_be_reached_the_page_asks_to_try_again_later(
    group_a, client, monkeypatch
):
    def broker_down(*args, **kwargs):
        raise kombu.exceptions.OperationalError("Error 111 connecting to 127.0.0.1:6379")

    monkeypatch.setattr(tasks.send_sign_in_link_task, "apply_async", broker_down)
    mette, _jonas = group_a

    for address in (mette.email, "nobody.here@example.org"):
        response = client.post(reverse("selfservice:sign_in"), {"email": address})
        assert response.status_code == 503
        assert "Please try again in a few minutes." in Page(response.content).text


def test_a_cache_that_does_not_answer_does_not_stop_the_request(
    group_a, client, settings, after_commit, mailoutbox
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
    mette, _jonas = group_a

    with after_commit():
        response = client.post(reverse("selfservice:sign_in"), {"email": mette.email})

    assert response.status_code == 302
    assert [mail.to for mail in mailoutbox] == [[mette.email]]

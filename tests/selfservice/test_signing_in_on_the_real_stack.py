"""Self-service on the real stack: a member asks for a link, the worker looks the address up
and the link arrives by SMTP; the member signs in with it, changes their phone, and the
group's next list, sent by the worker through SMTP, carries the new number. The link does
not work a second time."""

from __future__ import annotations

from urllib.parse import urlparse

import pytest
from django.urls import reverse

from members.models import Person

from ..conftest import admit
from .conftest import LINK
from .test_changing_details_sends_the_group_a_new_list import typed

pytestmark = pytest.mark.integration


@pytest.fixture
def stack_with_one_key(transactional_db, request, monkeypatch, settings):
    """The stack, its worker signing with this process's SECRET_KEY, as a deployment's web
    and worker processes share one: the worker signs the link that the web app checks."""
    monkeypatch.setenv("SECRET_KEY", settings.SECRET_KEY)
    return request.getfixturevalue("stack")


def test_a_member_signs_in_by_email_and_the_group_receives_the_new_phone_number(
    stack_with_one_key, client, alstrom, secretariat
):
    stack = stack_with_one_key
    mette = admit("Mette Holm", alstrom, secretariat).person
    jonas = admit("Jonas Berg", alstrom, secretariat, phone="+4531234567").person
    # Swedish: a language with a prefix of its own both here (English by default) and in
    # the worker (Danish by default), which writes the link.
    Person.objects.filter(pk=mette.pk).update(language="sv")
    stack.wait_until_idle()
    stack.smtp.clear()

    asked = client.post(reverse("selfservice:sign_in"), {"email": mette.email})
    assert asked.status_code == 302
    assert stack.smtp.wait_for(1) == 1
    [email] = stack.smtp.to(mette.email)
    link = urlparse(LINK.search(email.text()).group(0)).path
    assert link.startswith("/sv/members/sign-in/")

    assert client.get(link).status_code == 200
    signed_in = client.post(link)
    assert signed_in["Location"] == "/sv/members/me/"
    assert client.get(signed_in["Location"]).status_code == 200

    mette.refresh_from_db()
    with_language = {"language": "sv"}
    changed = client.post(
        "/sv/members/me/details/", typed(mette, phone="29 99 88 77", **with_language)
    )
    assert changed.status_code == 302
    # The group's new list, to both of its members.
    assert stack.smtp.wait_for(3) == 3
    [to_jonas] = [mail for mail in stack.smtp.to(jonas.email) if mail.carries_list]
    assert "+45 29 99 88 77" in to_jonas.text()
    assert "+45 29 99 88 77" in to_jonas.attachment(".csv")
    [to_mette] = [mail for mail in stack.smtp.to(mette.email) if mail.carries_list]
    assert "+45 29 99 88 77" in to_mette.text()

    client.post(reverse("selfservice:sign_out"))
    assert client.get(link).status_code == 400
    assert client.post(link).status_code == 400
    assert client.get("/sv/members/me/")["Location"] == "/sv/members/sign-in/"

"""`manage.py load_demo_data` also prints a login for the medical consultant, who signs in to
the anonymised cases and not to the review queue; run again, it prints the same login."""

from __future__ import annotations

from django.urls import reverse

from .conftest import printed_login
from .signing_in import sign_in


def test_the_consultant_signs_in_to_the_cases_and_not_to_the_review(load, client):
    output = load()
    username, password = printed_login(output, "Consultant")

    response = sign_in(client, username, password, follow=True)

    assert response.context["user"].username == username
    index = response.content.decode()
    assert reverse("admin:members_consultation_changelist") in index
    assert reverse("admin:members_reviewqueue_changelist") not in index
    assert client.get(reverse("admin:members_reviewqueue_changelist")).status_code == 403
    assert printed_login(load(), "Consultant") == (username, password)

"""`manage.py load_demo_data` also prints a login for the medical consultant, who signs in to
the anonymised cases and not to the review queue; run again, it prints the same login."""

from __future__ import annotations

import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse


@pytest.fixture
def load(db, settings, tmp_path):
    settings.VAR_DIR = tmp_path

    def run() -> str:
        out = io.StringIO()
        call_command("load_demo_data", stdout=out)
        return out.getvalue()

    return run


def consultant_login(output: str) -> tuple[str, str]:
    found = re.search(r"Consultant login: user (\S+), password (\S+)", output)
    assert found, output
    return found.group(1), found.group(2)


def test_the_consultant_signs_in_to_the_cases_and_not_to_the_review(load, client):
    output = load()
    username, password = consultant_login(output)

    response = client.post(
        reverse("admin:login"),
        {"username": username, "password": password, "next": reverse("admin:index")},
        follow=True,
    )

    assert response.context["user"].username == username
    index = response.content.decode()
    assert reverse("admin:members_consultation_changelist") in index
    assert reverse("admin:members_reviewqueue_changelist") not in index
    assert client.get(reverse("admin:members_reviewqueue_changelist")).status_code == 403
    assert consultant_login(load()) == (username, password)

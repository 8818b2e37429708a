"""The public report form is open to anyone, so it rests after its limit per visitor's
address (RATELIMITS "report") and answers a robot that fills the hidden field as if its
report were taken, keeping nothing and sending nothing."""

from __future__ import annotations

import pytest
from django.urls import reverse

from misuse.models import MisuseReport

from ..members.test_public_forms_are_rate_limited import assert_asked_to_wait, limits

__all__ = ["limits"]
pytestmark = pytest.mark.django_db


def report(number: int, **extra) -> dict:
    return {
        "group_as_typed": "Alström syndrome",
        "what_happened": f"Adverts, the {number}th time.",
        "reporter_email": f"reporter{number}@example.org",
        **extra,
    }


def test_the_report_form_rests_after_its_limit(client, limits, mailoutbox):
    limits(report="2/h")
    for number in range(2):
        assert client.post(reverse("misuse:report"), report(number)).status_code == 302

    response = client.post(reverse("misuse:report"), report(3))

    assert_asked_to_wait(response)
    assert MisuseReport.objects.count() == 2


def test_a_robot_filling_the_hidden_field_is_thanked_and_nothing_is_kept(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("misuse:report"), report(1, website="http://spam.example"))

    assert response.url == reverse("misuse:report_sent")
    assert MisuseReport.objects.count() == 0
    assert mailoutbox == []

"""The sign-up form has a field that people never meet and robots fill in. Filled in, the
form answers as if the application were taken and keeps nothing; left empty, as every
person leaves it, it changes nothing at all."""

from __future__ import annotations

import pytest
from django.urls import reverse

from members.models import Application, ApplicationEvent, Consent
from network.honeypot import HONEYPOT
from outbox.models import OutgoingEmail

from ..conftest import applicant
from .page import Page


@pytest.fixture
def apply(db, client, mailoutbox, django_capture_on_commit_callbacks):
    # db before mailoutbox: setting up the test database starts a fresh outbox.
    def send(data: dict):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("members:apply"), data)

    return send


def test_a_filled_in_honeypot_is_answered_like_success_and_nothing_is_kept(
    apply, alstrom, mailoutbox
):
    response = apply(applicant("Robot Robotsen", alstrom, **{HONEYPOT: "https://spam.example"}))

    assert response.status_code == 302
    assert response["Location"] == reverse("members:application_sent")
    assert not Application.objects.exists()
    assert not Consent.objects.exists()
    assert not ApplicationEvent.objects.exists()
    assert not OutgoingEmail.objects.exists()
    assert mailoutbox == []


@pytest.mark.parametrize(
    "honeypot",
    [
        pytest.param(None, id="not-sent"),
        pytest.param("", id="empty"),
        pytest.param("  ", id="blank"),
    ],
)
def test_a_real_applicant_is_never_lost(apply, alstrom, mailoutbox, honeypot):
    data = applicant("Freja Christensen", alstrom)
    if honeypot is not None:
        data[HONEYPOT] = honeypot

    response = apply(data)

    assert response.status_code == 302
    assert Application.objects.get().full_name == "Freja Christensen"
    assert len(mailoutbox) == 1


def test_a_real_applicant_with_a_mistake_is_shown_the_mistake_not_success(apply, alstrom):
    response = apply(applicant("Freja Christensen", alstrom, email="freja@", **{HONEYPOT: ""}))

    assert response.status_code == 200
    assert Page(response.content).is_marked_invalid("email")


def test_the_field_is_hidden_from_sight_keyboard_autofill_and_assistive_technology(client, db):
    page = Page(client.get(reverse("members:apply")).content)

    [field] = page.controls(HONEYPOT)
    assert field.attrs["tabindex"] == "-1"
    assert field.attrs["autocomplete"] == "off"
    hidden = [a for a in field.ancestors if a.attrs.get("aria-hidden") == "true"]
    assert hidden, "out of the accessibility tree"
    assert "visually-hidden" in hidden[0].classes, "off screen, not display:none"
    [label] = [e for e in page.find("label") if e.attrs.get("for") == field.id]
    assert label.text == "Leave this field empty"
    assert "d-none" not in " ".join(" ".join(a.classes) for a in field.ancestors)

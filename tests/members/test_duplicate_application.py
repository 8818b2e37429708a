"""Applying twice with one email address for one diagnosis: the second is kindly refused at
the email field and not recorded. Another diagnosis is another application."""

from __future__ import annotations

import pytest
from django.urls import reverse

from members import services
from members.models import Application, Consent

from ..conftest import applicant
from .page import Page

ALREADY = "We already have an application from this email address for this diagnosis"


@pytest.fixture
def apply(db, client, mailoutbox, django_capture_on_commit_callbacks):
    # db before mailoutbox: setting up the test database starts a fresh outbox.
    def send(data: dict):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("members:apply"), data)

    return send


@pytest.mark.parametrize(
    "email",
    [
        "freja.christensen@example.org",
        "Freja.Christensen@Example.ORG",
        "FREJA.CHRISTENSEN@EXAMPLE.ORG",
    ],
)
def test_the_same_email_for_the_same_diagnosis_is_refused_kindly(apply, alstrom, mailoutbox, email):
    assert apply(applicant("Freja Christensen", alstrom)).status_code == 302

    response = apply(applicant("Freja Christensen", alstrom, email=email, note="Igen"))

    assert response.status_code == 200
    page = Page(response.content)
    assert page.is_marked_invalid("email")
    assert ALREADY in (page.error_next_to("email") or "")
    assert any(ALREADY in text for _href, text in page.summary_links())
    assert page.value("email") == email
    assert page.value("note") == "Igen"
    assert Application.objects.count() == 1
    assert Consent.objects.count() == 5
    assert len(mailoutbox) == 1


@pytest.mark.parametrize("state", ["awaiting_review", "approved"])
def test_an_application_further_along_still_counts(apply, alstrom, secretariat, state):
    assert apply(applicant("Freja Christensen", alstrom)).status_code == 302
    first = Application.objects.get()
    services.confirm_email(first)
    if state == "approved":
        services.approve_application(first, by=secretariat)

    response = apply(applicant("Freja Christensen", alstrom, email="Freja.Christensen@example.org"))

    assert response.status_code == 200
    assert ALREADY in (Page(response.content).error_next_to("email") or "")
    assert Application.objects.count() == 1


def test_the_same_email_for_the_same_diagnosis_typed_as_free_text_is_refused(apply):
    data = applicant("Freja Christensen", diagnosis_query="Helt ukendt syndrom XY")
    assert apply(data).status_code == 302

    response = apply(
        {
            **data,
            "email": "FREJA.christensen@example.org",
            "diagnosis_query": "helt ukendt syndrom xy",
        }
    )

    assert response.status_code == 200
    assert ALREADY in (Page(response.content).error_next_to("email") or "")
    assert Application.objects.count() == 1


def test_the_same_email_for_another_diagnosis_is_a_new_application(
    apply, alstrom, kabuki, mailoutbox
):
    assert apply(applicant("Freja Christensen", alstrom)).status_code == 302

    response = apply(applicant("Freja Christensen", kabuki, email="Freja.Christensen@example.org"))

    assert response.status_code == 302
    assert {a.diagnosis for a in Application.objects.all()} == {alstrom, kabuki}
    assert Consent.objects.count() == 10
    assert len(mailoutbox) == 2


def test_the_same_email_for_another_free_text_diagnosis_is_a_new_application(apply):
    assert apply(applicant("Freja Christensen", diagnosis_query="Syndrom XY")).status_code == 302

    response = apply(applicant("Freja Christensen", diagnosis_query="Syndrom Z"))

    assert response.status_code == 302
    assert Application.objects.count() == 2


def test_after_a_rejection_the_applicant_may_apply_again(apply, alstrom, secretariat):
    assert apply(applicant("Freja Christensen", alstrom)).status_code == 302
    services.reject_application(
        Application.objects.get(), "Please send a doctor's note.", by=secretariat
    )

    response = apply(applicant("Freja Christensen", alstrom))

    assert response.status_code == 302
    assert Application.objects.filter(status=Application.Status.UNCONFIRMED).count() == 1
    assert Application.objects.count() == 2

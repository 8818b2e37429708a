"""The core loop on the real stack: sign up, confirm, approve in admin, lists by email."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from members.models import Application

from ..conftest import admit, applicant

pytestmark = pytest.mark.integration


def test_an_approved_applicant_and_every_member_of_the_group_receive_the_new_list(
    stack, client, alstrom, kabuki, secretariat
):
    group_a = [
        admit(name, alstrom, secretariat).person
        for name in ("Mette Holm", "Jonas Berg", "Ingrid Lund")
    ]
    group_b = [admit(name, kabuki, secretariat).person for name in ("Aud Hansen", "Lars Eriksen")]
    stack.wait_until_idle()
    stack.smtp.clear()

    # The applicant finds the diagnosis with the catalogue search, without JavaScript...
    data = applicant(
        "Freja Christensen",
        diagnosis_query="alstrom",
        diagnosis="",
        phone="28 76 54 32",
        street_address="Algade 10",
        postal_code="4000",
        city="Roskilde",
        birth_year="2021",
    )
    found = client.post(reverse("members:apply"), {**data, "search_diagnosis": "Search"})
    assert "Alström syndrome (ORPHA:64)" in found.content.decode()
    # ...picks it and sends the form.
    response = client.post(reverse("members:apply"), {**data, "diagnosis": str(alstrom.pk)})
    assert response.status_code == 302

    assert stack.smtp.wait_for(1) == 1
    confirmation = stack.smtp.to("freja.christensen@example.org")[0]
    link = re.search(r"https?://\S+/apply/confirm/\S+/", confirmation.text()).group(0)
    assert "confirmed" in client.get(urlparse(link).path).content.decode()
    application = Application.objects.get(email="freja.christensen@example.org")
    assert application.status == Application.Status.AWAITING_REVIEW
    stack.smtp.clear()

    client.force_login(secretariat)
    queue = client.get(reverse("admin:members_reviewqueue_changelist"))
    assert "Freja Christensen" in queue.content.decode()
    response = client.post(
        reverse("admin:members_reviewqueue_changelist"),
        {
            "action": "approve",
            ACTION_CHECKBOX_NAME: [application.pk],
            "group": "",
            "confirm": "Confirm",
        },
    )
    assert response.status_code == 302

    recipients = [person.email for person in group_a] + ["freja.christensen@example.org"]
    # Each member's new list, and the applicant's approval email.
    assert stack.smtp.wait_for(len(recipients) + 1) == len(recipients) + 1
    [approval] = [m for m in stack.smtp.to("freja.christensen@example.org") if not m.carries_list]
    assert "You are now a member of the group for Alström syndrome." in approval.text()
    for address in recipients:
        [received] = [m for m in stack.smtp.to(address) if m.carries_list]
        body = received.text()
        assert "Freja Christensen" in body
        assert "Algade 10" in body and "4000 Roskilde" in body
        assert "+45 28 76 54 32" in body
        assert "freja.christensen@example.org" in body
        assert all(person.full_name in body for person in group_a)
        assert not any(person.full_name in body for person in group_b)
    [welcome] = [m for m in stack.smtp.to("freja.christensen@example.org") if m.carries_list]
    assert "Welcome" in welcome.subject
    for person in group_b:
        assert stack.smtp.to(person.email) == []

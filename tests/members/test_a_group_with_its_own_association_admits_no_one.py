"""A group that founded its own association admits no one new: the approve page does not
offer it, approving into it is refused with the reason, and the referral offers that
association."""

from __future__ import annotations

import pytest
from django.urls import reverse

from diagnoses.models import Association, DiagnosisGroup
from members import services

from .conftest import confirmed
from .test_review_decisions import assert_undecided, decide_on_page, messages_on


@pytest.fixture
def founded(kabuki, secretariat):
    association = Association.objects.create(
        name="Kabuki Foreningen", website="https://kabuki.example.org"
    )
    services.approve_application(confirmed("Mette Holm", kabuki), by=secretariat)
    group = DiagnosisGroup.objects.get(diagnoses=kabuki)
    group.status = DiagnosisGroup.Status.HAS_ASSOCIATION
    group.association = association
    group.save()
    return group


def test_the_approve_page_does_not_offer_the_group_and_refuses_it_as_the_default(
    client, secretariat, kabuki, founded
):
    client.force_login(secretariat)
    application = confirmed("Freja Christensen", kabuki)
    url = reverse("admin:members_application_approve", args=[application.pk])

    open_group = DiagnosisGroup.objects.create(name="Kabuki syndrome, the network's own")
    assert client.get(url).status_code == 200
    # The group is chosen by search: the search does not offer it.
    search = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "members", "model_name": "application", "field_name": "group", "term": ""},
    )
    offered = [result["id"] for result in search.json()["results"]]
    response = decide_on_page(client, application, "approve")

    assert offered == [str(open_group.pk)]
    assert (
        "Kabuki syndrome has its own association, Kabuki Foreningen, and admits no one new: "
        "refer the applicant to it." in messages_on(response)
    )
    assert_undecided(application)


def test_approving_into_it_is_refused_whoever_asks(kabuki, founded, secretariat):
    application = confirmed("Freja Christensen", kabuki)

    with pytest.raises(services.DecisionNotAllowed, match="admits no one new"):
        services.approve_application(application, founded, by=secretariat)

    assert_undecided(application)


def test_the_referral_offers_the_groups_own_association(client, secretariat, kabuki, founded):
    Association.objects.create(name="Another", website="https://x.example").diagnoses.add(kabuki)
    client.force_login(secretariat)
    application = confirmed("Freja Christensen", kabuki)

    response = client.get(reverse("admin:members_application_refer", args=[application.pk]))

    assert response.context["form"]["association"].value() == founded.association.pk

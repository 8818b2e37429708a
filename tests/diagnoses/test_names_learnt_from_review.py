"""Names learnt from review: when staff approve or refer an application whose typed diagnosis
did not find the chosen entry among the first three, the typed text is proposed as a name of
that entry in the applicant's language; accepted in admin, it finds the entry first."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from diagnoses.models import Association, Diagnosis, DiagnosisGroup, ProposedName
from diagnoses.search import search_diagnoses
from diagnoses.services import save_diagnosis
from members import services

from ..members.conftest import confirmed
from ..members.page import Page

LAY_NAME = "Sankt Veits dans"  # an old Danish name of Huntington's chorea


@pytest.fixture
def huntington(db):
    for code, name in [
        (157941, "Huntington disease-like 1"),
        (98934, "Huntington disease-like 2"),
        (248111, "Juvenile Huntington disease"),
        (2322, "Kabuki syndrome"),
    ]:
        save_diagnosis(Diagnosis(orpha_code=code, name=name))
    return save_diagnosis(Diagnosis(orpha_code=399, name="Huntington disease"), ["HD"])


@pytest.fixture
def huntington_group(huntington):
    group = DiagnosisGroup.objects.create(name="Huntington")
    group.diagnoses.add(huntington)
    return group


@pytest.fixture
def staff(client, secretariat):
    client.force_login(secretariat)
    return client


def first_on_the_danish_apply_form(client, typed: str) -> str:
    with translation.override("da"):
        url = reverse("members:apply")
    response = client.post(url, {"diagnosis_query": typed, "search_diagnosis": "1"})
    return next(iter(Page(response.content).radio_choices("diagnosis").values()))


def test_huntingtons_sygdom_finds_the_entry_first_so_nothing_is_proposed(
    huntington_group, huntington, secretariat, client
):
    application = confirmed("Freja Holm", diagnosis_text="Huntingtons sygdom", language="da")

    services.approve_application(application, huntington_group, by=secretariat)

    assert not ProposedName.objects.exists()
    assert first_on_the_danish_apply_form(client, "Huntingtons sygdom") == (
        "Huntington disease (ORPHA:399)"
    )


def test_a_name_search_missed_is_proposed_accepted_and_then_found_first(
    huntington_group, huntington, secretariat, staff
):
    assert huntington not in search_diagnoses(LAY_NAME, limit=3)
    application = confirmed("Freja Holm", diagnosis_text=LAY_NAME, language="da")

    services.approve_application(application, huntington_group, by=secretariat)

    proposal = ProposedName.objects.get()
    assert (proposal.name, proposal.language, proposal.diagnosis) == (LAY_NAME, "da", huntington)
    changelist = Page(staff.get(reverse("admin:diagnoses_proposedname_changelist")).content)
    # One click: the proposal's own button.
    [accept] = [b for b in changelist.find("button") if b.text == f"Accept “{LAY_NAME}”"]
    assert staff.get(accept.attrs["formaction"]).status_code == 405
    response = staff.post(accept.attrs["formaction"], follow=True)
    assert "1 name accepted: search finds its diagnosis by it now." in Page(response.content).text
    proposal.refresh_from_db()
    assert proposal.status == ProposedName.Status.ACCEPTED
    assert huntington.names.get(name=LAY_NAME).language == "da"

    staff.logout()
    assert first_on_the_danish_apply_form(staff, "sankt veits dans") == (
        f"{LAY_NAME} – Huntington disease (ORPHA:399)"
    )


def test_a_referral_proposes_too_and_a_dismissed_name_is_not_proposed_again(
    huntington, secretariat, staff
):
    association = Association.objects.create(name="Huntington Danmark")
    association.diagnoses.add(huntington)
    first = confirmed("Freja Holm", diagnosis_text=LAY_NAME, language="da")
    services.refer_application(first, association, by=secretariat)
    proposal = ProposedName.objects.get()

    staff.post(
        reverse("admin:diagnoses_proposedname_changelist"),
        {"action": "dismiss", "_selected_action": [proposal.pk]},
    )
    second = confirmed("Anna Berg", diagnosis_text=LAY_NAME, language="da")
    services.refer_application(second, association, by=secretariat)

    proposal.refresh_from_db()
    assert proposal.status == ProposedName.Status.DISMISSED
    assert ProposedName.objects.count() == 1
    assert not huntington.names.filter(name=LAY_NAME).exists()
    assert huntington not in search_diagnoses(LAY_NAME, limit=3)

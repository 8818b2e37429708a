"""A catalogue entry carries names in the network's languages: staff add them in admin, every
Orphanet re-import keeps them, and search results show them to readers of that language with
Orphanet's name and code beside them."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from diagnoses.models import Association, Diagnosis, DiagnosisName

from ..members.page import Page
from .conftest import run_import


@pytest.fixture
def staff(client, secretariat):
    client.force_login(secretariat)
    return client


def change_form(diagnosis: Diagnosis, *names: tuple[str, str, str]) -> dict:
    """The admin change form of an entry as it stands, with new names (name, language, kind)
    added in the names inline."""
    existing = list(diagnosis.names.order_by("pk"))
    data = {
        "orpha_code": diagnosis.orpha_code,
        "name": diagnosis.name,
        "level": diagnosis.level,
        "icd10_codes": diagnosis.icd10_codes,
        "is_active": "on",
        "prevalence": "",
        "prevalence_note": "",
        "names-TOTAL_FORMS": len(existing) + len(names),
        "names-INITIAL_FORMS": len(existing),
        "names-MIN_NUM_FORMS": 0,
        "names-MAX_NUM_FORMS": 1000,
    }
    rows = [(n.pk, n.name, n.language, n.kind) for n in existing]
    rows += [("", name, language, kind) for name, language, kind in names]
    for i, (pk, name, language, kind) in enumerate(rows):
        data |= {
            f"names-{i}-id": pk,
            f"names-{i}-diagnosis": diagnosis.pk,
            f"names-{i}-name": name,
            f"names-{i}-language": language,
            f"names-{i}-kind": kind,
        }
    return data


def apply_page_matches(client, query: str, language: str) -> list[str]:
    with translation.override(language):
        url = reverse("members:apply")
    response = client.post(url, {"diagnosis_query": query, "search_diagnosis": "1"})
    return list(Page(response.content).radio_choices("diagnosis").values())


def test_a_danish_name_staff_add_survives_a_reimport_and_is_shown_to_danish_readers(
    staff, small_pack
):
    folder = small_pack.write()
    run_import(folder)
    kabuki = Diagnosis.objects.get(orpha_code=2322)
    response = staff.post(
        reverse("admin:diagnoses_diagnosis_change", args=[kabuki.pk]),
        change_form(
            kabuki,
            ("Kabukis syndrom", "da", "preferred"),
            ("Kabuki make-up syndrome", "en", "synonym"),
        ),
    )
    assert response.status_code == 302, response.context["inline_admin_formsets"][0].formset.errors
    # Orphanet drops its synonym in the next release.
    small_pack.code(2322).synonyms = []
    small_pack.write()

    run_import(folder)

    names = {(n.name, n.language, n.source) for n in kabuki.names.all()}
    assert names == {
        ("Kabukis syndrom", "da", DiagnosisName.Source.STAFF),
        ("Kabuki make-up syndrome", "en", DiagnosisName.Source.STAFF),
    }
    staff.logout()
    assert "Kabukis syndrom – Kabuki syndrome (ORPHA:2322)" in apply_page_matches(
        staff, "kabuki", "da"
    )
    # Readers of other languages see Orphanet's name, and the Danish name finds the entry.
    assert apply_page_matches(staff, "Kabukis syndrom", "sv")[0] == "Kabuki syndrome (ORPHA:2322)"


def test_the_associations_page_names_a_diagnosis_in_the_readers_language(client, kabuki):
    kabuki.names.create(name="Kabukis syndrom", language="da", kind="preferred")
    Association.objects.create(name="Kabuki Families").diagnoses.add(kabuki)

    with translation.override("da"):
        danish = Page(client.get(reverse("diagnoses:associations")).content).text
    english = Page(client.get(reverse("diagnoses:associations")).content).text

    assert "Kabukis syndrom (Kabuki syndrome, ORPHA:2322)" in danish
    assert "Kabukis syndrom" not in english
    assert "Kabuki syndrome" in english

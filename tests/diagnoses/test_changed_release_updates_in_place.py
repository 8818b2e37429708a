from __future__ import annotations

from diagnoses.models import Diagnosis, DiagnosisName
from diagnoses.search import search_diagnoses

from .conftest import run_import


def test_a_changed_name_synonym_level_and_icd10_code_update_the_entry_in_place(db, small_pack):
    run_import(small_pack.write())
    pk = Diagnosis.objects.get(orpha_code=2322).pk
    kabuki = small_pack.code(2322)
    kabuki.name = "Kabuki make-up syndrome"
    kabuki.synonyms = ["Kabuki syndrome"]
    kabuki.icd10 = ["Q87.0", "Q89.8"]
    small_pack.code(369).level = "disorder"

    output = run_import(small_pack.write())

    assert "Added 0, updated 2" in output
    assert "Synonyms: 1 added, 1 removed." in output
    entry = Diagnosis.objects.get(orpha_code=2322)
    assert entry.pk == pk
    assert entry.name == "Kabuki make-up syndrome"
    assert entry.icd10_codes == "Q87.0 Q89.8"
    assert list(entry.names.values_list("name", flat=True)) == ["Kabuki syndrome"]
    assert Diagnosis.objects.get(orpha_code=369).level == Diagnosis.Level.DISORDER
    assert Diagnosis.objects.count() == 4
    assert DiagnosisName.objects.filter(diagnosis=entry).count() == 1
    # Search follows: the old synonym is gone, the new code is found.
    assert not search_diagnoses("niikawa")
    assert [d.orpha_code for d in search_diagnoses("Q89.8")] == [2322]

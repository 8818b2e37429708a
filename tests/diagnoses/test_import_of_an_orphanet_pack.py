from __future__ import annotations

from diagnoses.models import Diagnosis, DiagnosisName
from diagnoses.search import search_diagnoses

from .conftest import run_import


def test_import_fills_the_catalogue_with_names_levels_synonyms_and_icd10_codes(db, small_pack):
    output = run_import(small_pack.write())

    assert "Added 4" in output
    assert Diagnosis.objects.count() == 4
    kabuki = Diagnosis.objects.get(orpha_code=2322)
    assert kabuki.name == "Kabuki syndrome"
    assert kabuki.level == Diagnosis.Level.DISORDER
    assert kabuki.icd10_codes == "Q87.0"
    assert kabuki.is_active
    assert list(kabuki.names.values_list("name", "language", "kind")) == [
        ("Niikawa-Kuroki syndrome", "en", DiagnosisName.Kind.SYNONYM)
    ]
    assert Diagnosis.objects.get(orpha_code=97929).level == Diagnosis.Level.GROUP
    assert Diagnosis.objects.get(orpha_code=369).level == Diagnosis.Level.SUBTYPE


def test_imported_entries_are_found_by_synonym_code_and_icd10_code(db, small_pack):
    run_import(small_pack.write())

    assert [d.orpha_code for d in search_diagnoses("niikawa kuroki")] == [2322]
    assert [d.orpha_code for d in search_diagnoses("alstrom")] == [64]
    assert [d.orpha_code for d in search_diagnoses("E34.8")] == [64]
    assert [d.orpha_code for d in search_diagnoses("ORPHA:369")] == [369]


def test_retired_codes_never_seen_before_are_not_added(db, small_pack):
    run_import(small_pack.write())

    assert not Diagnosis.objects.filter(orpha_code__in=[34, 77]).exists()


def test_a_dry_run_reports_but_saves_nothing(db, small_pack):
    output = run_import(small_pack.write(), "--dry-run")

    assert "Added 4" in output
    assert "Dry run" in output
    assert not Diagnosis.objects.exists()

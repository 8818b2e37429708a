from __future__ import annotations

from diagnoses.models import Diagnosis, DiagnosisName

from .conftest import run_import


def test_importing_the_same_pack_twice_reports_no_changes(db, small_pack):
    folder = small_pack.write()
    run_import(folder)
    before = list(Diagnosis.objects.order_by("pk").values())
    names_before = list(DiagnosisName.objects.order_by("pk").values())

    output = run_import(folder)

    assert "No changes." in output
    assert list(Diagnosis.objects.order_by("pk").values()) == before
    assert list(DiagnosisName.objects.order_by("pk").values()) == names_before


def test_a_reimport_keeps_names_staff_entered_and_the_prevalence_judgement(db, small_pack):
    folder = small_pack.write()
    run_import(folder)
    kabuki = Diagnosis.objects.get(orpha_code=2322)
    kabuki.names.create(name="Kabukisyndrom", language="da", kind=DiagnosisName.Kind.PREFERRED)
    kabuki.prevalence = Diagnosis.Prevalence.RARE
    kabuki.save(update_fields=["prevalence"])

    output = run_import(folder)

    kabuki.refresh_from_db()
    assert kabuki.prevalence == Diagnosis.Prevalence.RARE
    assert kabuki.names.filter(language="da", name="Kabukisyndrom").exists()
    # The Danish name was not yet in the search text; the import puts it there quietly.
    assert "kabukisyndrom" in kabuki.search_text
    assert "No changes." in output

from __future__ import annotations

from diagnoses.models import Diagnosis, DiagnosisGroup
from diagnoses.search import search_diagnoses

from .conftest import Code, run_import


def test_a_retired_code_is_inactive_and_its_groups_also_cover_the_replacement(db, small_pack):
    small_pack.codes.append(Code(34, "Pipecolic acidemia"))
    small_pack.retired = []
    run_import(small_pack.write())
    old = Diagnosis.objects.get(orpha_code=34)
    group = DiagnosisGroup.objects.create(name="Pipecolic acidemia")
    group.diagnoses.add(old)
    small_pack.codes = [c for c in small_pack.codes if c.orpha_code != 34]
    small_pack.retired = [(34, "Pipecolic acidemia", 2322)]

    output = run_import(small_pack.write())

    old.refresh_from_db()
    replacement = Diagnosis.objects.get(orpha_code=2322)
    assert not old.is_active
    assert old.replaced_by == replacement
    assert set(group.diagnoses.all()) == {old, replacement}
    assert "retired 1" in output
    assert "Groups moved to a replacing code: 1." in output
    assert "Pipecolic acidemia: ORPHA:34 is retired, group now also covers ORPHA:2322" in output
    assert not search_diagnoses("pipecolic")

    assert "No changes." in run_import(small_pack.folder)


def test_a_code_that_leaves_the_pack_without_a_replacement_is_retired(db, small_pack):
    run_import(small_pack.write())
    small_pack.codes = [c for c in small_pack.codes if c.orpha_code != 64]
    small_pack.tree = (97929, [(2322, [369])])

    output = run_import(small_pack.write())

    alstrom = Diagnosis.objects.get(orpha_code=64)
    assert not alstrom.is_active
    assert alstrom.replaced_by is None
    assert "retired 1" in output
    assert "Groups moved to a replacing code: 0." in output

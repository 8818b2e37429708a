from __future__ import annotations

from diagnoses.models import Diagnosis

from .conftest import run_import


def test_the_classification_gives_each_entry_its_parents(db, small_pack):
    output = run_import(small_pack.write())

    subtype = Diagnosis.objects.get(orpha_code=369)
    assert [d.orpha_code for d in subtype.parents.all()] == [2322]
    assert {d.orpha_code for d in Diagnosis.objects.get(orpha_code=97929).children.all()} == {
        64,
        2322,
    }
    assert "Parent links: 3 added, 0 removed." in output


def test_a_moved_subtype_gets_its_new_parent_and_loses_the_old(db, small_pack):
    run_import(small_pack.write())
    small_pack.tree = (97929, [(64, [369]), 2322])

    output = run_import(small_pack.write())

    subtype = Diagnosis.objects.get(orpha_code=369)
    assert [d.orpha_code for d in subtype.parents.all()] == [64]
    assert "Parent links: 1 added, 1 removed." in output

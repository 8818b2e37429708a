"""The real 2025 pack, from ../shared/data/orphanet beside the repository."""

from __future__ import annotations

from pathlib import Path

from django.db import connection

from diagnoses.models import Diagnosis, DiagnosisName
from diagnoses.search import search_diagnoses

from ..stack import require
from .conftest import run_import

PACK = Path(__file__).resolve().parents[2].parent / "shared/data/orphanet"


def test_the_full_2025_pack_imports_and_a_reimport_changes_nothing(db):
    require(PACK.exists(), f"Orphanet's pack is not at {PACK}")

    run_import(PACK)

    active = Diagnosis.objects.filter(is_active=True).count()
    assert 9_500 <= active <= 10_500
    assert 20_000 <= active + DiagnosisName.objects.count() <= 27_000
    assert Diagnosis.objects.filter(level="subtype", parents__level="disorder").exists()
    alstrom = Diagnosis.objects.get(orpha_code=64)
    assert alstrom.name == "Alström syndrome"
    assert "E34.8" in alstrom.icd10_codes

    assert "No changes." in run_import(PACK)


def test_misspellings_find_their_entry_in_the_full_catalogue(db):
    require(PACK.exists(), f"Orphanet's pack is not at {PACK}")
    require(connection.vendor == "postgresql", "typo-tolerant search needs PostgreSQL")
    run_import(PACK)

    for query, orpha_code in [
        ("Kabuki syndrme", 2322),
        ("Alstrom syndrom", 64),
        ("Marfn syndrome", 558),
        ("Fabri disease", 324),
        ("Aland Islands eye disease", 178333),
    ]:
        first_three = [d.orpha_code for d in search_diagnoses(query)[:3]]
        assert orpha_code in first_three, (query, first_three)

"""The real 2025 pack, from ../shared/data/orphanet beside the repository."""

from __future__ import annotations

import time
from pathlib import Path

from diagnoses.models import Diagnosis, DiagnosisName

from ..stack import require
from .conftest import run_import

PACK = Path(__file__).resolve().parents[2].parent / "shared/data/orphanet"


def test_the_full_2025_pack_imports_in_under_a_minute_and_a_reimport_changes_nothing(db):
    require(PACK.exists(), f"Orphanet's pack is not at {PACK}")
    started = time.monotonic()
    output = run_import(PACK)
    took = time.monotonic() - started

    assert took < 60, output
    active = Diagnosis.objects.filter(is_active=True).count()
    assert 9_500 <= active <= 10_500
    assert 20_000 <= active + DiagnosisName.objects.count() <= 27_000
    assert Diagnosis.objects.filter(level="subtype", parents__level="disorder").exists()
    alstrom = Diagnosis.objects.get(orpha_code=64)
    assert alstrom.name == "Alström syndrome"
    assert "E34.8" in alstrom.icd10_codes

    assert "No changes." in run_import(PACK)

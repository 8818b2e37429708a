"""Changing catalogue entries one at a time, as staff and the demo data do.

Searching the catalogue is in `search.py`; importing Orphanet's pack is in `importing.py`.
"""

from __future__ import annotations

from collections.abc import Sequence

from .models import Diagnosis, DiagnosisName


def save_diagnosis(diagnosis: Diagnosis, synonyms: Sequence[str] = ()) -> Diagnosis:
    """Save a catalogue entry with Orphanet's English synonyms, keeping the search text
    in step."""
    diagnosis.save()
    for synonym in synonyms:
        diagnosis.names.get_or_create(
            name=synonym, language="en", defaults={"source": DiagnosisName.Source.ORPHANET}
        )
    diagnosis.refresh_search_text()
    diagnosis.save(update_fields=["search_text", "match_text"])
    return diagnosis

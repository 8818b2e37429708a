"""Text folding for search: what a person types should match however they spell it."""

from __future__ import annotations

import re
import unicodedata

# Nordic and German letters as typed on a keyboard without them: spelled out (æ -> ae) or
# plain (ø -> o). The catalogue is indexed both ways, so either spelling finds it.
_SPELLED_OUT = str.maketrans(
    {"æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}
)
_PLAIN = str.maketrans({"æ": "ae", "ø": "o", "ß": "ss"})


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


def fold(text: str) -> str:
    """Lower-case, spell out æ/ø/å, drop other accents and punctuation."""
    return _clean(text.casefold().translate(_SPELLED_OUT))


def spellings(text: str) -> set[str]:
    """Every folded spelling of a name: spelled out and plain."""
    return {fold(text), _clean(text.casefold().translate(_PLAIN))}

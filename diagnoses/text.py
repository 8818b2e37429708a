"""Text folding for search: what a person types should match however they spell it."""

from __future__ import annotations

import re
import unicodedata

# Danish and Norwegian letters typed on a keyboard without them.
_SPELLED_OUT = str.maketrans(
    {"æ": "ae", "ø": "oe", "å": "aa", "ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"}
)


def fold(text: str) -> str:
    """Lower-case, spell out æ/ø/å, drop other accents and punctuation."""
    text = text.casefold().translate(_SPELLED_OUT)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())

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


# Matching: the words of a name reduced to a key that Nordic and English spellings share, so
# that "Huntingtons sygdom", "Huntingtonin tauti" and "Huntington disease" are one key, and
# trigrams need only bridge the misspellings. Applied alike to the catalogue and to what is
# typed; the key is never shown.

# The words for disease, syndrome and disorder in da, sv, nb, fi and en: they tell nothing
# about which disease is meant, and a Danish name has them where the English one has another.
_FILLER_WORDS = """
    disease diseases syndrome syndromes disorder disorders illness condition
    sygdom sygdommen sygdomme syndrom syndromet lidelse lidelsen
    sjukdom sjukdomen sjukdomar syndromen störning
    sykdom sykdommen syndromer forstyrrelse
    sairaus sairauden tauti taudin oireyhtymä oireyhtymän syndrooma syndrooman häiriö
    morbus
"""
# The same words ending a compound, as Nordic languages write them: "Marfansyndrom".
_FILLER_ENDINGS = ("syndromet", "syndrom", "sygdommen", "sygdom", "sjukdom", "sykdom", "tauti")
# Nordic spellings of medical Latin and Greek endings, as English spells them.
_ENDINGS = [
    ("oosi", "osis"),  # fi: fibroosi, amyloidoosi
    ("iitti", "itis"),  # fi: artriitti
    ("ose", "osis"),  # da, nb: fibrose, sklerose
    ("oes", "ous"),  # da, nb: tuberøs; sv: tuberös
    ("os", "osis"),  # sv: fibros
    ("iske", "ic"),  # da: cystiske
    ("iska", "ic"),  # sv: cystiska
    ("isk", "ic"),  # da, sv, nb: cystisk
    ("inen", "ic"),  # fi: kystinen
]
# Letters spelled differently for the same sound; k for c and f for ph as Nordic languages write.
_SOUNDS = [("ph", "f"), ("th", "t"), ("ch", "k"), ("c", "k"), ("x", "ks"), ("ae", "e"), ("oe", "o")]
_DOUBLED = re.compile(r"(.)\1+")


def _sounds(word: str) -> str:
    for spelled, said in _SOUNDS:
        word = word.replace(spelled, said)
    # Doubled letters as Finnish and Danish write them (oo, ii, ll) count once; so do aa
    # for å and typos that double a letter.
    word = _DOUBLED.sub(r"\1", word)
    # A trailing -ia, -y or -ie is -i in Danish, Swedish and Norwegian (akondroplasi, myopati).
    return re.sub(r"(?:ia|ie|y)$", "i", word)


def _key(word: str) -> str:
    """One folded word as the matching key; a code or number is kept as it is."""
    if any(ch.isdigit() for ch in word):
        return word
    for ending in _FILLER_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            word = word[: -len(ending)]
            break
    for nordic, english in _ENDINGS:
        if word.endswith(nordic) and len(word) - len(nordic) >= 3:
            return _sounds(word[: -len(nordic)] + english)
    # Possessive and genitive endings: -s (da, sv, nb, and English plurals), -in (fi). Both
    # the catalogue and the query lose them, so that only the stem has to match.
    if len(word) >= 5 and word.endswith("s") and not word.endswith(("ss", "us", "sis", "tis")):
        word = word[:-1]
    elif len(word) >= 6 and word.endswith("in"):
        word = word[:-2]
    return _sounds(word)


_FILLERS = frozenset(_key(w) for s in _FILLER_WORDS.split() for w in spellings(s))


def match_key(text: str) -> str:
    """The matching key of a name or a query: words folded and reduced (see above), without
    the words for disease and syndrome unless nothing else is left."""
    keys = [_key(word) for word in fold(text).split()]
    # A lone "s" is what is left of an English possessive ("Huntington's").
    telling = [k for k in keys if k not in _FILLERS and k != "s"]
    return " ".join(telling or keys)


def is_filler(key: str) -> bool:
    """Whether a word of a matching key is a word for disease or syndrome: the catalogue's
    keys leave those out, so a query of nothing else looks for them in the names as written."""
    return key in _FILLERS


def genitive_stem(key: str) -> str | None:
    """A Finnish genitive in -n after a vowel ("Fabryn tauti"), as the stem it may be: the
    catalogue keeps its own -n words ("Marfan"), so a query tries both."""
    if len(key) >= 5 and key.endswith("n") and key[-2] in "aeiouy":
        return _sounds(key[:-1])
    return None

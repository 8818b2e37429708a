"""What the network accepts in the details people type: no invisible characters in names
and addresses, and free text of a length a person writes.

Names and addresses go onto contact lists, into emails and onto the secretariat's screens.
A bidirectional override (U+202A-202E, U+2066-2069) makes text read differently from what
it holds ("Holm" that sorts and searches as something else); a zero-width character makes
two names that look the same differ, so that duplicates go unnoticed. Neither belongs in a
name, an address or a postal code; they mostly arrive by copying and pasting.
"""

from __future__ import annotations

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The applicant's note to the secretariat; a message in a public form.
NOTE_MAX_LENGTH = 2000
# An answer to the secretariat's question, and what staff write: a reason, a question to
# the applicant or the consultant, the consultant's answer.
ANSWER_MAX_LENGTH = 5000

BIDI_CONTROLS = frozenset(
    [
        *map(chr, range(0x202A, 0x202F)),  # embeddings and overrides, and their end
        *map(chr, range(0x2066, 0x206A)),  # isolates, and their end
        "\u200e",  # left-to-right mark
        "\u200f",  # right-to-left mark
        "\u061c",  # Arabic letter mark
    ]
)
ZERO_WIDTH = frozenset(
    [
        "\u200b",  # zero width space
        "\u200c",  # zero width non-joiner
        "\u200d",  # zero width joiner
        "\u2060",  # word joiner
        "\ufeff",  # zero width no-break space (byte order mark)
        "\u180e",  # Mongolian vowel separator
        *map(chr, range(0x2061, 0x2065)),  # invisible mathematical operators
    ]
)
INVISIBLE = BIDI_CONTROLS | ZERO_WIDTH

INVISIBLE_MESSAGE = _(
    "This contains invisible characters (such as direction marks, zero-width spaces or "
    "line breaks), perhaps from copying and pasting. Please type it again without them."
)


def invisible_characters(value: str) -> list[str]:
    """The invisible characters in `value`, control characters (tab, line break, ...)
    included: none belongs in a one-line detail such as a name or an address."""
    return [ch for ch in value if ch in INVISIBLE or unicodedata.category(ch) == "Cc"]


def no_invisible_characters(value: str) -> None:
    """A form field validator for names, addresses and postal codes."""
    if invisible_characters(value):
        raise ValidationError(INVISIBLE_MESSAGE, code="invisible_characters")


# The message when a free text is too long, for a public form's field (error_messages).
TOO_LONG_MESSAGE = _(
    "Please shorten this to at most %(limit_value)d characters (it has %(show_value)d)."
)

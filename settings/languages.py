"""The languages a network speaks, and the settings it words once per language.

Both are read from the environment, so that a sibling network (Swedish by default, say, or
with fewer languages) changes no code and no migration: the models ask for the languages
and the default when a record is made (members/models.py).
"""

from __future__ import annotations

import os

from django.conf.locale import LANG_INFO
from django.utils import translation
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _

# The languages the project has catalogues for (locale/), named for the language menu in
# the reader's own language. A network may offer another language Django knows; its pages
# are then in English until it has a catalogue, which a system check says.
NAMES = {
    "da": _("Danish"),
    "en": _("English"),
    "sv": _("Swedish"),
    "nb": _("Norwegian Bokmål"),
    "fi": _("Finnish"),
}


def offered(codes: list[str]) -> list[tuple[str, str | Promise]]:
    """settings.LANGUAGES for the codes a network offers, in its order."""
    return [
        (code, NAMES[code] if code in NAMES else LANG_INFO.get(code, {}).get("name", code))
        for code in codes
    ]


def in_each_language(name: str, default: str | Promise, codes: list[str]) -> str:
    """A setting worded per language: NAME_DA, NAME_SV... where the environment sets one,
    else NAME for every language, else `default`, which is translated like any other text.

    The value is a lazy string: it takes the language active where it is used (a page, an
    email rendered in its reader's language), so `settings.NAME` reads right everywhere.
    """
    worded = {
        code: os.environ[f"{name}_{code.upper()}"]
        for code in codes
        if os.environ.get(f"{name}_{code.upper()}")
    }
    everywhere = os.environ.get(name)

    def current() -> str:
        language = translation.get_language() or ""
        return worded.get(language) or everywhere or str(default)

    return lazy(current, str)()

"""Every catalogue under locale/ is complete and compiled: every entry translated, none fuzzy,
each placeholder kept, and the committed .mo holding exactly what the .po says. Every language
the site offers has a catalogue, English aside: the msgids are the English text.

The .mo is compared by content, not by modification time: git does not keep file times,
so a fresh checkout may show either file as the newer one.
"""

from __future__ import annotations

import gettext
import re
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

LOCALE = Path(settings.BASE_DIR) / "locale"
# One catalogue per language directory, each checked on its own: test_...[sv], test_...[nb].
LANGUAGES = sorted(path.name for path in LOCALE.iterdir() if path.is_dir())
MSGFMT = shutil.which("msgfmt")

# %(name)s, %s, %d, ... as Python formats them; {name} and {} as str.format does.
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifr]|\{[^{}\s]*\}")
ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    def __str__(self) -> str:
        context = f" (context {self.msgctxt!r})" if self.msgctxt is not None else ""
        return f"line {self.line}: {self.msgid!r}{context}"

    @property
    def key(self) -> str:
        """The key the compiled catalogue files it under."""
        return self.msgid if self.msgctxt is None else f"{self.msgctxt}\x04{self.msgid}"

    @property
    def sources(self) -> list[str]:
        return [self.msgid] if self.msgid_plural is None else [self.msgid, self.msgid_plural]


def _unquote(text: str) -> str:
    return re.sub(r"\\(.)", lambda match: ESCAPES[match.group(1)], text.strip()[1:-1])


def read_po(path: Path) -> list[Entry]:
    """The entries of a .po file as GNU gettext writes them, obsolete (#~) ones left out."""
    entries = []
    block: list[tuple[int, str]] = []
    for number, line in enumerate([*path.read_text(encoding="utf-8").splitlines(), ""], 1):
        if line.strip():
            block.append((number, line))
            continue
        if block and not any(text.startswith("#~") for _number, text in block):
            entries.append(_entry(block))
        block = []
    return entries


def _entry(block: list[tuple[int, str]]) -> Entry:
    entry = Entry(line=block[0][0])
    append = None
    for _number, line in block:
        if line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            append(_unquote(line))
        else:
            keyword, _space, value = line.partition(" ")
            append = _setter(entry, keyword)
            append(_unquote(value))
    return entry


def _setter(entry: Entry, keyword: str):
    if match := re.fullmatch(r"msgstr\[(\d+)\]", keyword):
        index = int(match.group(1))
    elif keyword == "msgstr":
        index = 0
    else:
        attribute = keyword

        def append(text: str) -> None:
            setattr(entry, attribute, (getattr(entry, attribute) or "") + text)

        return append

    def append_msgstr(text: str) -> None:
        entry.msgstr[index] = entry.msgstr.get(index, "") + text

    return append_msgstr


def compiled(entries: list[Entry]) -> dict:
    """What msgfmt puts in the .mo for these entries, keyed as Python's gettext reads it."""
    catalogue = {}
    for entry in entries:
        if "fuzzy" in entry.flags or not all(entry.msgstr.values()):
            continue
        if entry.msgid_plural is None:
            catalogue[entry.key] = entry.msgstr[0]
        else:
            catalogue.update({(entry.key, n): text for n, text in entry.msgstr.items()})
    return _without_creation_date(catalogue)


def _without_creation_date(catalogue: dict) -> dict:
    # msgfmt from gettext 0.20 on leaves the POT-Creation-Date out of the .mo, older ones not.
    header = re.sub(r"^POT-Creation-Date:.*\n", "", catalogue.get("", ""), flags=re.MULTILINE)
    return {**catalogue, "": header}


def read_mo(path: Path) -> dict:
    with path.open("rb") as mo:
        return _without_creation_date(gettext.GNUTranslations(mo)._catalog)


def placeholders(text: str) -> Counter:
    return Counter(PLACEHOLDER.findall(text))


@pytest.fixture(scope="module", params=LANGUAGES)
def language(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def po(language) -> Path:
    path = LOCALE / language / "LC_MESSAGES" / "django.po"
    assert path.exists(), f"locale/{language} has no catalogue: run `make messages`"
    return path


@pytest.fixture(scope="module")
def mo(po) -> Path:
    return po.with_suffix(".mo")


@pytest.fixture(scope="module")
def entries(po) -> list[Entry]:
    return read_po(po)


def test_every_language_but_english_has_a_catalogue():
    offered = [code for code, _name in settings.LANGUAGES if code != "en"]
    assert offered, "settings.LANGUAGES offers no language to translate into"
    missing = [code for code in offered if code not in LANGUAGES]
    assert missing == [], "add these to CATALOGUES in the Makefile and run `make messages`"


def test_the_catalogue_has_entries(language, entries):
    header, *messages = entries
    assert header.msgid == ""
    assert f"Language: {language}\n" in header.msgstr[0]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header.msgstr[0]
    assert len(messages) > 100


def test_every_entry_is_translated(po, entries):
    untranslated = [
        str(entry) for entry in entries if entry.msgid and not all(entry.msgstr.values())
    ]
    assert untranslated == [], f"translate these in {po.relative_to(settings.BASE_DIR)}"


def test_no_entry_is_fuzzy(entries):
    # A fuzzy entry is msgmerge's guess after its English original changed: unchecked.
    fuzzy = [str(entry) for entry in entries if "fuzzy" in entry.flags]
    assert fuzzy == [], "check these, then remove their fuzzy flag"


def test_each_translation_keeps_the_placeholders_of_its_original(entries):
    wrong = []
    for entry in entries[1:]:
        allowed = [placeholders(source) for source in entry.sources]
        for text in entry.msgstr.values():
            if text and placeholders(text) not in allowed:
                wrong.append(f"{entry}: {text!r}")
    assert wrong == []


def test_the_committed_mo_holds_what_the_po_says(mo, entries):
    assert mo.exists(), "run `make messages` and commit django.mo"
    assert read_mo(mo) == compiled(entries), "run `make messages` to compile the .po again"


@pytest.mark.skipif(MSGFMT is None, reason="needs GNU gettext's msgfmt")
def test_gnu_msgfmt_compiles_the_po_to_the_committed_mo(po, mo, tmp_path):
    fresh = tmp_path / "django.mo"
    subprocess.run(
        [MSGFMT, "--check-format", "--check-header", "-o", fresh, po],
        check=True,
        capture_output=True,
    )
    assert read_mo(mo) == read_mo(fresh)


def test_the_reader_recognises_what_the_catalogue_tests_look_for(tmp_path):
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: da\\n"\n\n'
        '#, fuzzy, python-format\nmsgid "Dear %(name)s,"\nmsgstr "Kære %(navn)s"\n\n'
        'msgctxt "language"\nmsgid "Change"\nmsgstr ""\n\n'
        'msgid "%(counter)s member"\nmsgid_plural "%(counter)s members"\n'
        'msgstr[0] "%(counter)s medlem"\nmsgstr[1] ""\n"%(counter)s medlemmer"\n\n'
        '#, python-format\n#~ msgid "Gone %s"\n#~ msgstr "Væk %s"\n',
        encoding="utf-8",
    )

    header, fuzzy, untranslated, plural = read_po(po)

    assert header.msgstr == {0: "Language: da\n"}
    assert "fuzzy" in fuzzy.flags
    assert placeholders(fuzzy.msgstr[0]) != placeholders(fuzzy.msgid)
    assert (untranslated.key, untranslated.msgstr) == ("language\x04Change", {0: ""})
    assert plural.msgstr == {0: "%(counter)s medlem", 1: "%(counter)s medlemmer"}
    assert compiled([header, fuzzy, untranslated, plural]) == {
        "": "Language: da\n",
        ("%(counter)s member", 0): "%(counter)s medlem",
        ("%(counter)s member", 1): "%(counter)s medlemmer",
    }

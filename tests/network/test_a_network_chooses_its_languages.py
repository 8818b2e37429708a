"""The languages a network offers, its default, and the wording of its name and rarity rule
per language are settings read from the environment: a sibling network changes no code."""

from __future__ import annotations

import os
import subprocess
import sys

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from settings import languages
from settings.base import BASE_DIR


def settings_read_with(environment: dict[str, str], expression: str) -> str:
    """`expression` evaluated on the settings a fresh process reads from this environment."""
    script = (
        "import django; django.setup(); from django.conf import settings; "
        "from django.utils import translation; "
        f"print({expression})"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "settings.test", **environment},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_the_languages_and_the_default_come_from_the_environment():
    printed = settings_read_with(
        {"NETWORK_LANGUAGES": "sv,fi,en", "NETWORK_DEFAULT_LANGUAGE": "sv"},
        "[code for code, _ in settings.LANGUAGES], __import__('settings.base').base.LANGUAGE_CODE",
    )

    assert printed == "['sv', 'fi', 'en'] sv"


def test_the_network_name_is_worded_per_language_where_set(monkeypatch):
    monkeypatch.setenv("NETWORK_NAME_SV", "Kontaktnätverket för sällsynta diagnoser")
    monkeypatch.delenv("NETWORK_NAME", raising=False)

    name = languages.in_each_language(
        "NETWORK_NAME", _("Contact Network for Rare Diagnoses"), ["da", "sv", "en"]
    )

    with translation.override("sv"):
        assert str(name) == "Kontaktnätverket för sällsynta diagnoser"
    with translation.override("en"):
        assert str(name) == "Contact Network for Rare Diagnoses"
    # Where no wording is set, the default as the catalogue translates it.
    with translation.override("da"):
        assert str(name) == "Kontaktnetværk for sjældne diagnoser"


def test_one_name_for_every_language_stays_as_written(monkeypatch):
    monkeypatch.setenv("NETWORK_NAME", "Sjældne Diagnoser")

    name = languages.in_each_language(
        "NETWORK_NAME", _("Contact Network for Rare Diagnoses"), ["da", "sv"]
    )

    for language in ["da", "sv", "fi"]:
        with translation.override(language):
            assert str(name) == "Sjældne Diagnoser"

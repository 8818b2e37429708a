"""System checks for the network's own settings, with their own ids."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.core.checks import Error, Warning, register
from django_countries import countries


@register()
def check_network_settings(app_configs, **kwargs):
    errors = []
    if not settings.NETWORK_ALLOWED_COUNTRIES:
        errors.append(
            Error(
                "NETWORK_ALLOWED_COUNTRIES is empty: nobody could apply.",
                hint="Set it to the ISO codes of the countries members may live in, e.g. DK,SE,NO.",
                id="network.E001",
            )
        )
    unknown = [code for code in settings.NETWORK_ALLOWED_COUNTRIES if code not in countries]
    if unknown:
        errors.append(
            Error(
                f"NETWORK_ALLOWED_COUNTRIES has unknown country codes: {', '.join(unknown)}.",
                hint="Use two-letter ISO 3166 codes.",
                id="network.E002",
            )
        )
    return errors


@register()
def check_staff_sign_in(app_configs, **kwargs):
    """The lockout after wrong staff passwords (settings/base.py): the network's rule is that
    20 of them lock the account, at the latest."""
    errors = []
    if not 1 <= settings.AXES_FAILURE_LIMIT <= 20:
        errors.append(
            Error(
                f"STAFF_SIGN_IN_FAILURES is {settings.AXES_FAILURE_LIMIT}: 20 wrong passwords "
                "must lock a staff account.",
                hint="Set it between 1 and 20 (10 unless set).",
                id="network.E003",
            )
        )
    if settings.AXES_COOLOFF_TIME.total_seconds() < 60:
        errors.append(
            Error(
                "STAFF_LOCKOUT_MINUTES is less than 1: a locked staff account would not stay "
                "locked.",
                hint="Set it to 1 or more minutes (60 unless set).",
                id="network.E004",
            )
        )
    return errors


@register()
def check_languages(app_configs, **kwargs):
    """NETWORK_LANGUAGES and NETWORK_DEFAULT_LANGUAGE (settings/base.py): the default must be
    offered, and every language offered must be one Django can speak and we have words for."""
    errors = []
    offered = [code for code, _name in settings.LANGUAGES]
    unknown = [code for code in offered if code not in LANG_INFO]
    if unknown:
        errors.append(
            Error(
                f"NETWORK_LANGUAGES has unknown language codes: {', '.join(unknown)}.",
                hint="Use language codes Django knows, e.g. da,en,sv,nb,fi.",
                id="network.E005",
            )
        )
    if settings.LANGUAGE_CODE not in offered:
        errors.append(
            Error(
                f"NETWORK_DEFAULT_LANGUAGE is {settings.LANGUAGE_CODE!r}, which "
                "NETWORK_LANGUAGES does not offer: visitors would get a language they cannot "
                "choose.",
                hint=f"Set it to one of {', '.join(offered)}, or offer it.",
                id="network.E006",
            )
        )
    untranslated = [
        code
        for code in offered
        if code != "en"
        and code in LANG_INFO
        and not any(
            (path / code / "LC_MESSAGES" / "django.mo").exists()
            for path in map(Path, settings.LOCALE_PATHS)
        )
    ]
    if untranslated:
        errors.append(
            Warning(
                f"NETWORK_LANGUAGES offers {', '.join(untranslated)} with no translation in "
                "locale/: those pages and emails would be in English.",
                hint="Add the language to the Makefile's CATALOGUES, run `make messages` and "
                "translate the catalogue.",
                id="network.W001",
            )
        )
    return errors

"""System checks for the network's own settings, with their own ids."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register
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

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

"""System checks for the outbox's settings, with their own ids."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register


@register()
def check_outbox_settings(app_configs, **kwargs):
    from .services import send_allowance

    errors = []
    if settings.OUTBOX_MAX_ATTEMPTS < 1:
        errors.append(Error("OUTBOX_MAX_ATTEMPTS must be at least 1.", id="outbox.E001"))
    if not settings.EMAIL_TIMEOUT or settings.EMAIL_TIMEOUT <= 0:
        errors.append(
            Error(
                "EMAIL_TIMEOUT must be a number of seconds: without it, one stalled mail "
                "server holds a sender for ever.",
                hint="Set EMAIL_TIMEOUT, or ?timeout= on EMAIL_URL (30 is a good default).",
                id="outbox.E002",
            )
        )
    elif send_allowance().total_seconds() >= settings.OUTBOX_LEASE_SECONDS:
        errors.append(
            Error(
                f"OUTBOX_LEASE_SECONDS ({settings.OUTBOX_LEASE_SECONDS}) must be longer than "
                f"the longest send ({send_allowance().total_seconds():.0f} s, "
                "EMAIL_TIMEOUT times 8), or a sender could lose its lease mid-send.",
                id="outbox.E003",
            )
        )
    return errors

"""System checks for the outbox's settings, with their own ids."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.utils.module_loading import import_string


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


@register()
def check_email_leaves_over_tls(app_configs, **kwargs):
    """Contact lists and applicants' details are health data: they leave over SMTP only with
    STARTTLS or implicit TLS, unless a relay on this machine takes them on (and sends them
    on over TLS itself), which EMAIL_PLAIN_SMTP_TO_LOCAL_RELAY must say on purpose."""
    if not issubclass(import_string(settings.EMAIL_BACKEND), SmtpBackend):
        return []
    if settings.EMAIL_USE_TLS or settings.EMAIL_USE_SSL:
        return []
    if settings.EMAIL_PLAIN_SMTP_TO_LOCAL_RELAY:
        return []
    return [
        Error(
            "EMAIL_URL sends email over SMTP without TLS: contact lists and applicants' "
            "details would cross the network in clear.",
            hint="Use smtp+tls:// (STARTTLS) or smtp+ssl:// (implicit TLS). Only for a relay "
            "on this machine that sends on over TLS, set EMAIL_PLAIN_SMTP_TO_LOCAL_RELAY=true.",
            id="outbox.E004",
        )
    ]

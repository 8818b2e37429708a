"""Contact lists and applicants' details are health data: production refuses to start with
an SMTP server reached without TLS (STARTTLS or implicit TLS), with its own check id,
unless EMAIL_PLAIN_SMTP_TO_LOCAL_RELAY says on purpose that a relay on the same machine
takes the mail. The embedded mode, which writes files or talks to a local test sink, is
not held to it."""

from __future__ import annotations

import pytest

from outbox.checks import check_email_leaves_over_tls

from ..network.test_production_settings_come_from_the_environment import (
    FULL_ENVIRONMENT,
    check_deploy,
)

SMTP = "django.core.mail.backends.smtp.EmailBackend"


def test_production_with_plain_smtp_fails_the_checks_with_their_own_id():
    result = check_deploy({**FULL_ENVIRONMENT, "EMAIL_URL": "smtp://mail.example.org:25"})

    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "outbox.E004" in output
    assert "without TLS" in output


@pytest.mark.parametrize(
    "email_url", ["smtp+tls://mail.example.org:587", "smtp+ssl://mail.example.org:465"]
)
def test_production_with_starttls_or_implicit_tls_passes(email_url):
    result = check_deploy({**FULL_ENVIRONMENT, "EMAIL_URL": email_url})

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "no issues" in output


def test_plain_smtp_to_a_local_relay_passes_when_a_setting_says_so_on_purpose():
    result = check_deploy(
        {
            **FULL_ENVIRONMENT,
            "EMAIL_URL": "smtp://127.0.0.1:25",
            "EMAIL_PLAIN_SMTP_TO_LOCAL_RELAY": "true",
        }
    )

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "no issues" in output


@pytest.mark.parametrize(
    "backend, tls, ssl, relay, refused",
    [
        (SMTP, False, False, False, True),
        (SMTP, True, False, False, False),
        (SMTP, False, True, False, False),
        (SMTP, False, False, True, False),
        # Files, memory and the console send nothing over a network.
        ("django.core.mail.backends.filebased.EmailBackend", False, False, False, False),
        ("django.core.mail.backends.locmem.EmailBackend", False, False, False, False),
    ],
)
def test_the_check_holds_only_smtp_without_tls_or_an_allowance(
    settings, backend, tls, ssl, relay, refused
):
    settings.EMAIL_BACKEND = backend
    settings.EMAIL_USE_TLS = tls
    settings.EMAIL_USE_SSL = ssl
    settings.EMAIL_PLAIN_SMTP_TO_LOCAL_RELAY = relay

    errors = check_email_leaves_over_tls(None)

    assert [error.id for error in errors] == (["outbox.E004"] if refused else [])

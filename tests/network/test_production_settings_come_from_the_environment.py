"""Production takes every secret and address from the environment: with all of them set it
passes Django's deployment checks without a warning; with one missing it stops and names it."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys

import pytest

from ..stack import ROOT

REQUIRED = {
    "SECRET_KEY": secrets.token_urlsafe(48),
    "ALLOWED_HOSTS": "network.example.org",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/postgres",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "EMAIL_URL": "smtp+tls://network:secret@mail.example.org:587",
}
# What a deployment sets besides; without the controller's address `check --deploy` warns.
FULL_ENVIRONMENT = {
    **REQUIRED,
    "NETWORK_CONTROLLER_ADDRESS": "Example Association, Street 1, 1000 City",
    "CSRF_TRUSTED_ORIGINS": "https://network.example.org",
}


def check_deploy(environment: dict[str, str]) -> subprocess.CompletedProcess:
    # Start from a clean slate: nothing from the test run's own settings leaks in.
    inherited = {
        name: value
        for name, value in os.environ.items()
        if name not in REQUIRED
        and not name.startswith(("DJANGO_", "NETWORK_", "CONTACT_LIST_", "EMAIL_"))
    }
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=ROOT,
        env={**inherited, "DJANGO_SETTINGS_MODULE": "settings.production", **environment},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_with_the_full_environment_the_deployment_checks_pass_without_warnings():
    assert len(REQUIRED["SECRET_KEY"]) >= 50

    result = check_deploy(FULL_ENVIRONMENT)

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "WARNINGS" not in output
    assert "?: (" not in output
    assert "no issues" in output


@pytest.mark.parametrize("missing", list(REQUIRED))
def test_without_a_required_variable_production_stops_and_names_it(missing):
    environment = {name: value for name, value in REQUIRED.items() if name != missing}

    result = check_deploy(environment)

    assert result.returncode != 0
    assert f"Set the {missing} environment variable" in result.stdout + result.stderr

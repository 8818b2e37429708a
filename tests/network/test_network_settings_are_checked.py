"""A deployment that would leave nobody able to apply, or never send a list, is stopped by
Django's system checks with the network's own ids."""

from __future__ import annotations

import pytest
from django.core.checks import Error, run_checks


def network_errors() -> dict[str, Error]:
    return {e.id: e for e in run_checks() if e.id and e.id.startswith("network.")}


def test_the_default_settings_pass_the_network_checks():
    assert network_errors() == {}


def test_an_empty_list_of_allowed_countries_is_reported(settings):
    settings.NETWORK_ALLOWED_COUNTRIES = []

    errors = network_errors()

    assert set(errors) == {"network.E001"}
    assert errors["network.E001"].is_serious()
    assert "NETWORK_ALLOWED_COUNTRIES" in errors["network.E001"].msg


@pytest.mark.parametrize("unknown", ["XX", "DNK", "Denmark"])
def test_an_unknown_country_code_is_reported_by_name(settings, unknown):
    settings.NETWORK_ALLOWED_COUNTRIES = ["DK", unknown, "SE"]

    errors = network_errors()

    assert set(errors) == {"network.E002"}
    assert unknown in errors["network.E002"].msg
    assert "DK" not in errors["network.E002"].msg.split(":", 1)[1]


def outbox_errors() -> dict[str, Error]:
    return {e.id: e for e in run_checks() if e.id and e.id.startswith("outbox.")}


def test_the_default_settings_pass_the_outbox_checks():
    assert outbox_errors() == {}


def test_fewer_than_one_sending_attempt_is_reported(settings):
    settings.OUTBOX_MAX_ATTEMPTS = 0

    assert set(outbox_errors()) == {"outbox.E001"}


def test_a_mail_server_without_a_timeout_is_reported(settings):
    settings.EMAIL_TIMEOUT = None

    assert set(outbox_errors()) == {"outbox.E002"}


def test_a_lease_shorter_than_the_longest_send_is_reported(settings):
    settings.EMAIL_TIMEOUT = 30
    settings.OUTBOX_LEASE_SECONDS = 200

    errors = outbox_errors()

    assert set(errors) == {"outbox.E003"}
    assert "240 s" in errors["outbox.E003"].msg


def test_a_default_language_the_network_does_not_offer_is_reported(settings):
    settings.LANGUAGES = [("da", "Danish"), ("en", "English")]
    settings.LANGUAGE_CODE = "sv"

    errors = network_errors()

    assert set(errors) == {"network.E006"}
    assert "'sv'" in errors["network.E006"].msg


def test_an_unknown_language_code_is_reported_by_name(settings):
    settings.LANGUAGES = [("da", "Danish"), ("xx", "Xish")]
    settings.LANGUAGE_CODE = "da"

    errors = network_errors()

    assert set(errors) == {"network.E005"}
    assert "xx" in errors["network.E005"].msg


def test_a_language_without_a_translation_is_a_warning(settings):
    settings.LANGUAGES = [("da", "Danish"), ("de", "German")]
    settings.LANGUAGE_CODE = "da"

    errors = network_errors()

    assert set(errors) == {"network.W001"}
    assert not errors["network.W001"].is_serious()
    assert "de" in errors["network.W001"].msg

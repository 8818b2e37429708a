"""A network's settings are read when they are used, not when the code is imported: a
sibling network (or a test) that sets one sees it everywhere, and no migration holds one."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from members.models import Application, Person
from members.services import ApplicantDetails


def test_the_staff_pages_carry_the_network_name_as_it_is_set(db, client, settings):
    # reverse() imports the URLs, and with them the admin site, before the name is set. The
    # admin's sign-in page sends on to the staff sign-in, which keeps its steps in the session.
    login = reverse("admin:login")
    settings.NETWORK_NAME = "Nordic Network for Ultra-Rare Diagnoses"

    page = client.get(login, follow=True).content.decode()

    assert "Nordic Network for Ultra-Rare Diagnoses: staff pages" in page


def test_a_new_record_starts_in_the_default_language_as_it_is_set(settings):
    settings.LANGUAGE_CODE = "sv"

    details = ApplicantDetails("Freja", "parent", "Algade 10", "4000", "Roskilde", "DK", "", "")

    assert details.language == "sv"
    assert Application().language == "sv"
    assert Person().language == "sv"


def test_no_setting_is_frozen_into_a_migration(db):
    # The test settings are not the deployed ones (LANGUAGE_CODE is "en", not "da"): a model
    # that read a setting at import would want a migration here.
    out = StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out)
    except SystemExit:
        pytest.fail(f"the models want a migration under the test settings:\n{out.getvalue()}")

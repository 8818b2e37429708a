"""The network's rarity rule, which reviewers judge each diagnosis against, is read in the
staff member's own language: the default is translated, and a network words its own rule
per language (NETWORK_RARITY_RULE_DA...; tests/network/test_a_network_chooses_its_languages.py)."""

from __future__ import annotations

from django.urls import reverse

from diagnoses.models import Diagnosis

from .conftest import confirmed
from .page import Page


def test_a_danish_reviewer_reads_the_default_rarity_rule_in_danish(
    danish_site, client, secretariat, alstrom
):
    alstrom.prevalence = Diagnosis.Prevalence.RARE
    alstrom.save()
    application = confirmed("Freja Christensen", alstrom)
    client.force_login(secretariat)

    response = client.get(reverse("admin:members_application_change", args=[application.pk]))

    checks = " ".join(Page(response.content).by_id("review-checks").text.split())
    assert "Højst omkring 1.000 personer i Danmark" in checks
    assert "At most about 1,000 people" not in checks

"""Groups of about fifteen are helped to found their own association. The secretariat sees
the groups large enough (NETWORK_ASSOCIATION_READY_MEMBERS) with their size, growth and
whether an association already covers the diagnosis; records the steps; and when the group
points to its association, its members are told where it is, each once, in their language."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.cache import cache
from django.urls import reverse

from diagnoses.models import Association, DiagnosisGroup
from founding import services, tasks
from founding.models import AssociationNotice, FoundingStep
from members.models import Person

from ..conftest import admit
from ..members.page import Page


@pytest.fixture
def ready_size(settings):
    settings.NETWORK_ASSOCIATION_READY_MEMBERS = 3
    return 3


@pytest.fixture
def association(kabuki):
    return Association.objects.create(
        name="Kabuki Foreningen",
        website="https://kabuki.example.org",
        email="kontakt@kabuki.example.org",
    )


def flagged(client) -> list[str]:
    page = Page(client.get(reverse("admin:founding_groupreadytofound_changelist")).content)
    return [cell.text for cell in page.with_class("field-name")]


def test_a_group_reaching_the_threshold_appears_in_the_flagged_list(
    client, secretariat, kabuki, alstrom, ready_size
):
    client.force_login(secretariat)
    admit("Mette Holm", kabuki, secretariat)
    admit("Jonas Berg", kabuki, secretariat)
    admit("Aud Hansen", alstrom, secretariat)
    assert flagged(client) == []

    admit("Freja Christensen", kabuki, secretariat)

    assert flagged(client) == ["Kabuki syndrome"]
    group = services.ready_groups().get()
    assert (group.size, group.joined_last_year, group.association_covers) == (3, 3, False)


def test_the_list_says_whether_an_association_already_covers_the_diagnosis(
    secretariat, kabuki, association, ready_size
):
    association.diagnoses.add(kabuki)
    for name in ["Mette Holm", "Jonas Berg", "Freja Christensen"]:
        admit(name, kabuki, secretariat)

    assert services.ready_groups().get().association_covers


def test_pointing_the_group_to_its_association_tells_each_member_once_in_their_language(
    secretariat, kabuki, association, mailoutbox, django_capture_on_commit_callbacks
):
    admit("Mette Holm", kabuki, secretariat)
    Person.objects.filter(email="mette.holm@example.org").update(language="da")
    admit("Jonas Berg", kabuki, secretariat)
    group = DiagnosisGroup.objects.get(diagnoses=kabuki)
    services.record_step(group, FoundingStep.Step.CONTACTED, date(2026, 3, 1), by=secretariat)
    mailoutbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.record_step(
            group,
            FoundingStep.Step.POINTS_TO_IT,
            date(2026, 9, 1),
            by=secretariat,
            association=association,
        )

    group.refresh_from_db()
    assert group.status == DiagnosisGroup.Status.HAS_ASSOCIATION
    assert group.association == association
    by_recipient = {email.to[0]: email for email in mailoutbox}
    assert set(by_recipient) == {"mette.holm@example.org", "jonas.berg@example.org"}
    danish = by_recipient["mette.holm@example.org"]
    assert danish.subject == "Gruppen Kabuki syndrome har sin egen forening: Kabuki Foreningen"
    english = by_recipient["jonas.berg@example.org"]
    assert "https://kabuki.example.org" in english.body
    assert "kontakt@kabuki.example.org" in english.body
    assert 'lang="en"' in english.alternatives[0][0]

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert services.tell_members(group, association) == 0
    assert mailoutbox == []
    assert AssociationNotice.objects.filter(person__in=Person.objects.all()).count() == 2


def test_the_last_step_needs_the_association(client, secretariat, kabuki, ready_size):
    for name in ["Mette Holm", "Jonas Berg", "Freja Christensen"]:
        admit(name, kabuki, secretariat)
    group = DiagnosisGroup.objects.get(diagnoses=kabuki)
    client.force_login(secretariat)
    url = reverse("admin:founding_groupreadytofound_change", args=[group.pk])

    response = client.post(
        url,
        {
            "founding_steps-TOTAL_FORMS": "1",
            "founding_steps-INITIAL_FORMS": "0",
            "founding_steps-0-step": "points",
            "founding_steps-0-on": "2026-09-01",
            "founding_steps-0-note": "Stiftende generalforsamling i Odense",
            "_save": "Save",
        },
    )

    assert response.status_code == 200
    page = Page(response.content)
    assert "Choose the association the group founded." in page.text
    assert page.value("founding_steps-0-note") == "Stiftende generalforsamling i Odense"
    group.refresh_from_db()
    assert group.status == DiagnosisGroup.Status.OPEN


def test_the_groups_admin_lists_the_groups_of_one_member(
    client, secretariat, kabuki, alstrom, ready_size
):
    admit("Mette Holm", kabuki, secretariat)
    admit("Jonas Berg", kabuki, secretariat)
    admit("Aud Hansen", alstrom, secretariat)
    client.force_login(secretariat)

    page = Page(
        client.get(reverse("admin:diagnoses_diagnosisgroup_changelist") + "?members=alone").content
    )

    assert [cell.text for cell in page.with_class("field-name")] == ["Alström syndrome"]


def test_the_worker_flags_the_same_groups_the_list_would_count_itself(
    client, secretariat, kabuki, alstrom, ready_size
):
    """At a million members the list reads the large groups a worker flagged every ten
    minutes (founding.tasks) instead of counting every membership on each view."""
    client.force_login(secretariat)
    for name in ("Mette Holm", "Jonas Berg", "Freja Christensen"):
        admit(name, kabuki, secretariat)
    admit("Aud Hansen", alstrom, secretariat)
    counted_live = flagged(client)

    tasks.flag_large_groups.delay()

    group = DiagnosisGroup.objects.covering(kabuki).get()
    assert cache.get(services.FLAGGED_CACHE_KEY)["groups"] == [group.pk]
    assert flagged(client) == counted_live == ["Kabuki syndrome"]

    # A group that reaches the size before the worker flags again is listed at once.
    admit("Ole Nielsen", alstrom, secretariat)
    admit("Ida Lund", alstrom, secretariat)

    assert flagged(client) == ["Alström syndrome", "Kabuki syndrome"]

"""The review screen: every check of flow 2 on the application's page, without a click,
and the queue's health above the review queue, at a constant number of queries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from diagnoses.models import Association, Diagnosis, DiagnosisGroup
from diagnoses.services import save_diagnosis
from members.models import Application

from .conftest import confirmed, submitted
from .page import Page


@pytest.fixture
def review(client, secretariat):
    client.force_login(secretariat)

    def checks_of(application: Application) -> str:
        response = client.get(reverse("admin:members_application_change", args=[application.pk]))
        assert response.status_code == 200
        checks = Page(response.content).by_id("review-checks")
        assert checks is not None, "the checks are on the page"
        return " ".join(checks.text.split())

    return checks_of


def test_a_country_outside_the_network_is_flagged(review, alstrom):
    inside = confirmed("Freja Christensen", alstrom)
    outside = confirmed("Hans Müller", alstrom, email="hans@example.de")
    Application.objects.filter(pk=outside.pk).update(country="DE")

    assert "Denmark: the network covers it." in review(inside)
    assert "Germany: the network does not cover it." in review(outside)


def test_a_typed_diagnosis_shows_the_best_catalogue_matches(review, alstrom, kabuki):
    application = confirmed("Freja Christensen", diagnosis_text="Kabuki syndrom")

    checks = review(application)

    assert "Typed: “Kabuki syndrom”." in checks
    assert "Best catalogue matches: Kabuki syndrome (ORPHA:2322), ICD-10 Q87.0" in checks


def test_the_group_and_its_size_are_shown(review, alstrom, kabuki, settled_member):
    settled_member("Mette Holm")
    settled_member("Jonas Berg")

    assert "Alström syndrome: 2 members, open" in review(confirmed("Freja Christensen", alstrom))
    assert "No group covers this diagnosis yet." in review(confirmed("Aud Hansen", kabuki))


def test_an_association_for_the_disorder_is_shown_for_its_subtype(review, kabuki):
    subtype = save_diagnosis(
        Diagnosis(orpha_code=171876, name="Kabuki syndrome type 1", level="subtype"), []
    )
    subtype.parents.add(kabuki)
    association = Association.objects.create(name="Kabuki Foreningen", website="https://k.example")
    association.diagnoses.add(kabuki)

    checks = review(confirmed("Freja Christensen", subtype))

    assert "An association covers this diagnosis: as a rule, refer the applicant." in checks
    assert "Kabuki Foreningen, https://k.example" in checks


def test_the_prevalence_judgement_is_shown_against_the_rarity_rule(review, alstrom, settings):
    settings.NETWORK_RARITY_RULE = "At most 1,000 people in Denmark."
    alstrom.prevalence = Diagnosis.Prevalence.RARE
    alstrom.prevalence_note = "About 20 known in Denmark."
    alstrom.save()

    checks = review(confirmed("Freja Christensen", alstrom))

    assert "rare: within the network's rarity rule: About 20 known in Denmark." in checks
    assert "The network's rule: At most 1,000 people in Denmark." in checks


def test_possible_duplicates_are_named_with_the_reason(review, alstrom, kabuki, settled_member):
    settled_member("Mette Holm", kabuki)
    submitted("Freja Christensen", kabuki)
    application = confirmed("Freja Christensen", alstrom)
    same_phone = confirmed("Bo Dahl", alstrom, email="bo@example.org")
    Application.objects.filter(pk=same_phone.pk).update(phone=application.phone)
    same_name = confirmed("freja christensen", kabuki, email="other@example.org")
    Application.objects.filter(pk=same_name.pk).update(phone="+4598765432")
    member = confirmed("Mette Holm", alstrom, email="mette.holm@example.org")
    unrelated = confirmed("Carl Eng", alstrom, email="carl@example.org")
    Application.objects.filter(pk=unrelated.pk).update(phone="+4511223344", postal_code="9000")

    checks = review(application)

    assert "Application by Freja Christensen for Kabuki syndrome (ORPHA:2322)" in checks
    assert "(email not yet confirmed): same email" in checks
    assert (
        "Application by Bo Dahl for Alström syndrome (ORPHA:64) (awaiting review): same phone"
        in (checks)
    )
    assert "Application by freja christensen for Kabuki syndrome (ORPHA:2322) " in checks
    assert "same name and postal code" in checks
    assert "Carl Eng" not in checks
    assert "Member Mette Holm, Kabuki syndrome: same email" in review(member)


def test_no_duplicates_says_so(review, alstrom):
    checks = review(confirmed("Freja Christensen", alstrom))

    assert "None found (same email, phone, or name and postal code)." in checks


def health_of(client) -> str:
    response = client.get(reverse("admin:members_reviewqueue_changelist"))
    return " ".join(Page(response.content).by_id("queue-health").text.split())


def test_queue_health_counts_waits_and_decision_times(client, secretariat, alstrom):
    client.force_login(secretariat)
    now = timezone.now()
    waiting = [confirmed(f"Person {n}", alstrom, email=f"p{n}@example.org") for n in range(3)]
    Application.objects.filter(pk=waiting[0].pk).update(confirmed_at=now - timedelta(days=9))
    submitted("Unconfirmed Person", alstrom, email="u@example.org")
    for days, name in [(2, "A"), (4, "B"), (10, "C")]:
        decided = confirmed(f"Decided {name}", alstrom, email=f"{name}@example.org")
        Application.objects.filter(pk=decided.pk).update(
            status=Application.Status.REJECTED,
            confirmed_at=now - timedelta(days=days + 1),
            decided_at=now - timedelta(days=1),
        )

    health = health_of(client)

    assert "Oldest waiting since" in health and "(1 week, 2 days)" in health
    assert "Median time to decision 4.0 days, over 3 decisions in the last year" in health
    assert "Awaiting review 3" in health
    assert "Email not yet confirmed 1" in health
    assert "Rejected 3" in health
    assert "Approved 0" in health


def test_an_empty_queue_says_nobody_is_waiting(client, secretariat):
    client.force_login(secretariat)

    health = health_of(client)

    assert "Nobody is waiting." in health
    assert "No decisions in the last year." in health


def queries_for_the_review_queue(client, alstrom, kabuki, waiting: int) -> int:
    for n in range(waiting):
        confirmed(f"Applicant {n}", alstrom if n % 2 else kabuki, email=f"a{n}@example.org")
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:members_reviewqueue_changelist"))
    assert response.status_code == 200
    assert "Applicant 0" in response.content.decode()
    return len(queries)


def test_the_review_queue_costs_the_same_queries_for_10_and_200(
    client, secretariat, alstrom, kabuki
):
    client.force_login(secretariat)
    ten = queries_for_the_review_queue(client, alstrom, kabuki, 10)
    Application.objects.all().delete()

    two_hundred = queries_for_the_review_queue(client, alstrom, kabuki, 200)

    assert ten == two_hundred


def test_a_group_covering_several_matches_counts_each_member_once(review, kabuki, settled_member):
    subtype = save_diagnosis(
        Diagnosis(orpha_code=171876, name="Kabuki syndrome type 1", level="subtype"), []
    )
    settled_member("Mette Holm", kabuki)
    settled_member("Jonas Berg", kabuki)
    DiagnosisGroup.objects.get().diagnoses.add(subtype)

    checks = review(confirmed("Freja Christensen", diagnosis_text="Kabuki syndrome"))

    assert "Kabuki syndrome type 1 (ORPHA:171876)" in checks, "both entries match"
    assert "Kabuki syndrome: 2 members, open" in checks

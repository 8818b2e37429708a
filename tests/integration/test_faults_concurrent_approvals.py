"""Race: two secretaries approve two applicants into one group at the same moment."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from contactlists.models import ContactList, Delivery
from outbox.models import OutgoingEmail

from ..seeding import seed_group
from .conftest import apply, approve, versions_of

pytestmark = pytest.mark.integration


def test_two_approvals_at_once_both_reach_the_list_in_consecutive_versions(
    own_stack, alstrom, secretariat
):
    group = seed_group(alstrom, 5)
    applications = [
        apply("Freja Christensen", alstrom, phone="+4528760001"),
        apply("Jonas Berg", alstrom, phone="+4528760002"),
    ]
    own_stack.wait_until_idle()
    own_stack.smtp.clear()

    at_once = threading.Barrier(len(applications), timeout=10)
    newcomers: dict[int, int] = {}
    errors: list[BaseException] = []

    def approve_at_once(application):
        # Each thread has its own database connection, so each approval is its own
        # transaction, committed independently of the other.
        try:
            at_once.wait()
            newcomers[application.pk] = approve(application, group, secretariat).pk
        except BaseException as exc:  # reported by the test below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=approve_at_once, args=(a,)) for a in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    assert errors == []

    own_stack.wait_until_idle(timeout=60)

    versions = versions_of(group)
    assert versions == list(range(1, len(versions) + 1))
    assert len(versions) in (2, 3)
    latest = ContactList.objects.get(group=group, version=versions[-1])
    assert len(newcomers) == 2
    assert set(newcomers.values()) <= {entry["person_id"] for entry in latest.entries}
    assert len(latest.entries) == 7
    assert (
        not Delivery.objects.filter(contact_list__group=group)
        .exclude(email__status__in=[OutgoingEmail.Status.SENT, OutgoingEmail.Status.SUPERSEDED])
        .exists()
    )
    assert latest.deliveries.filter(email__status=OutgoingEmail.Status.SENT).count() == 7

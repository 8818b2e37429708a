"""Load: ten approvals into one group within the coalescing window."""

from __future__ import annotations

import time

import pytest

from contactlists.models import ContactList, Delivery

from ..seeding import seed_group
from .conftest import apply, approve, copies_per_member, versions_of

pytestmark = pytest.mark.integration

WINDOW = 5


def test_ten_approvals_within_the_coalescing_window_go_out_as_one_version_once_to_each(
    own_stack, alstrom, secretariat, settings
):
    # The window is the publisher's: it sets the countdown of the build task.
    settings.CONTACT_LIST_COALESCE_SECONDS = WINDOW
    group = seed_group(alstrom, 10)
    applications = [
        apply(f"Applicant {i:02d}", alstrom, phone=f"+45{28760000 + i}") for i in range(10)
    ]
    own_stack.wait_until_idle()
    own_stack.smtp.clear()

    started = time.monotonic()
    newcomers = [approve(application, group, secretariat) for application in applications]
    assert time.monotonic() - started < WINDOW, "the approvals took longer than the window"
    # Nothing goes out before the window has passed.
    assert not ContactList.objects.filter(group=group, version=2).exists()

    own_stack.wait_until_idle(timeout=60)
    own_stack.smtp.wait_for(20, timeout=10)

    assert versions_of(group) == [1, 2]
    version_2 = ContactList.objects.get(group=group, version=2)
    assert {entry["person_id"] for entry in version_2.entries if entry["is_new"]} == {
        person.pk for person in newcomers
    }
    assert len(version_2.entries) == 20
    assert version_2.changes.count() == 10
    copies = copies_per_member(own_stack.smtp, group)
    assert len(copies) == 20
    assert copies == dict.fromkeys(copies, 1), {a: n for a, n in copies.items() if n != 1}
    welcomed = Delivery.objects.filter(contact_list=version_2, is_welcome=True)
    assert set(welcomed.values_list("person_id", flat=True)) == {p.pk for p in newcomers}

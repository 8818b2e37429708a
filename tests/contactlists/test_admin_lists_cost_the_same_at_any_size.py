"""The admin pages that list contact list versions and outgoing email, and the page of one version
with its deliveries, make the same number of database queries for a few rows or many."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contactlists.models import ContactList
from contactlists.services import build_contact_list, record_group_change
from diagnoses.models import DiagnosisGroup
from members.models import Membership, Person
from members.signals import MembershipChange
from outbox.models import OutgoingEmail

# The page; a cell each of its rows has; rows per group filled in.
PAGES = {
    "admin:contactlists_contactlist_changelist": ("field-version", 1),
    "admin:outbox_outgoingemail_changelist": ("field-status", 2),
}


def add_members(group: DiagnosisGroup, seats) -> ContactList:
    """Members in the given seats of the group, and the group's list built with them."""
    people = Person.objects.bulk_create(
        Person(
            full_name=f"Member {group.pk}-{seat}",
            relationship="parent",
            street_address="Vej 1",
            postal_code="8000",
            city="Aarhus",
            country="DK",
            phone=f"+4520{group.pk % 10000:04}{seat:02}",
            email=f"member.{group.pk}.{seat}@example.org",
        )
        for seat in seats
    )
    Membership.objects.bulk_create(Membership(person=p, group=group) for p in people)
    record_group_change(group.pk, person_id=None, reason=MembershipChange.JOINED)
    return build_contact_list(group)


def fill(numbers) -> None:
    """A group of two members per number, with its list built; one copy sent, one failed."""
    for number in numbers:
        group = DiagnosisGroup.objects.create(name=f"Syndrome {number}")
        contact_list = add_members(group, range(2))
        first, second = contact_list.deliveries.order_by("pk")
        OutgoingEmail.objects.filter(pk=first.email_id).update(status=OutgoingEmail.Status.SENT)
        OutgoingEmail.objects.filter(pk=second.email_id).update(
            status=OutgoingEmail.Status.FAILED, attempts=8, last_error="SMTPRecipientsRefused: 550"
        )


def rows(response, css_class: str) -> int:
    return response.content.decode().count(f'class="{css_class}"')


@pytest.mark.parametrize("url_name", list(PAGES))
def test_the_admin_list_costs_the_same_number_of_queries_at_any_size(
    url_name, client, secretariat, django_assert_num_queries
):
    css_class, per_group = PAGES[url_name]
    client.force_login(secretariat)
    url = reverse(url_name)
    client.get(url)  # what is cached once per process is not the page's cost
    fill(range(2))
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    assert response.status_code == 200
    assert rows(response, css_class) == 2 * per_group

    fill(range(2, 30))
    with django_assert_num_queries(len(few)):
        response = client.get(url)

    assert rows(response, css_class) == 30 * per_group


def test_the_page_of_one_list_version_costs_the_same_for_a_small_or_a_large_group(
    client, secretariat, django_assert_num_queries
):
    client.force_login(secretariat)
    group = DiagnosisGroup.objects.create(name="Alström syndrome")
    small = add_members(group, range(2))
    page = "admin:contactlists_contactlist_change"
    client.get(reverse(page, args=[small.pk]))
    with CaptureQueriesContext(connection) as two_members:
        response = client.get(reverse(page, args=[small.pk]))
    assert response.status_code == 200
    assert rows(response, "field-person") == 2

    large = add_members(group, range(2, 30))
    with django_assert_num_queries(len(two_members)):
        response = client.get(reverse(page, args=[large.pk]))

    assert rows(response, "field-person") == 30

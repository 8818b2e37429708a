"""The secretariat's review queue: confirmed applications only, the longest waiting first,
at a cost that does not grow with the queue."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from members import services
from members.models import Application

from ..conftest import admit
from .conftest import confirmed, submitted
from .page import Page

QUEUE = "admin:members_reviewqueue_changelist"


def names_listed(response) -> list[str]:
    page = Page(response.content)
    table = page.by_id("result_list")
    assert table is not None, "the page shows no list"
    return [
        cell.text
        for cell in page.with_class("field-full_name")
        if table in cell.ancestors and cell.tag in ("th", "td")
    ]


def confirmed_at(application: Application, when) -> None:
    Application.objects.filter(pk=application.pk).update(confirmed_at=when)


def test_the_queue_lists_only_confirmed_applications_the_longest_waiting_first(
    client, secretariat, alstrom, kabuki
):
    now = timezone.now()
    # Submitted in one order, confirmed in another: the queue follows the confirmations.
    anna = confirmed("Anna Berg", alstrom)
    bo = confirmed("Bo Dahl", kabuki)
    carl = confirmed("Carl Eng", diagnosis_text="Et ukendt syndrom")
    confirmed_at(anna, now - timedelta(days=2))
    confirmed_at(bo, now - timedelta(hours=1))
    confirmed_at(carl, now - timedelta(days=9))
    submitted("Ulla Ubekræftet", alstrom)
    services.approve_application(confirmed("Dora Godkendt", kabuki), by=secretariat)
    services.reject_application(confirmed("Erik Afvist", alstrom), "Not rare.", by=secretariat)
    client.force_login(secretariat)

    response = client.get(reverse(QUEUE))

    assert response.status_code == 200
    assert names_listed(response) == ["Carl Eng", "Anna Berg", "Bo Dahl"]


def test_the_queue_shows_the_diagnosis_as_given(client, secretariat, alstrom):
    confirmed("Anna Berg", alstrom)
    confirmed("Carl Eng", diagnosis_text="Et ukendt syndrom")
    client.force_login(secretariat)

    text = Page(client.get(reverse(QUEUE)).content).text

    assert "Alström syndrome (ORPHA:64)" in text
    assert "Et ukendt syndrom" in text


@pytest.mark.parametrize(
    "route", ["approve", "new_group", "refer", "ask", "reject", "ask_consultant"]
)
def test_the_queue_decides_on_the_application_page_and_has_no_decision_pages_of_its_own(
    alstrom, route
):
    application = confirmed("Anna Berg", alstrom)

    reverse(f"admin:members_application_{route}", args=[application.pk])
    with pytest.raises(NoReverseMatch):
        reverse(f"admin:members_reviewqueue_{route}", args=[application.pk])


def fill_queue(numbers: range, diagnoses: list, by) -> None:
    """Confirmed applications, for catalogue diagnoses and free text in turn."""
    for number in numbers:
        diagnosis = diagnoses[number % len(diagnoses)]
        if diagnosis is None:
            confirmed(f"Ansøger {number}", diagnosis_text=f"Syndrom nummer {number}")
        else:
            confirmed(f"Ansøger {number}", diagnosis)


def fill_members(numbers: range, diagnoses: list, by) -> None:
    """Members of the groups of the catalogue diagnoses, in turn."""
    catalogue = [d for d in diagnoses if d is not None]
    for number in numbers:
        admit(f"Medlem {number}", catalogue[number % len(catalogue)], by)


def rows(response) -> list:
    page = Page(response.content)
    table = page.by_id("result_list")
    assert table is not None, "the page shows no list"
    return [
        row
        for row in page.find("tr")
        if table in row.ancestors and any(a.tag == "tbody" for a in row.ancestors)
    ]


LIST_PAGES = [
    pytest.param("admin:members_reviewqueue_changelist", fill_queue, id="review-queue"),
    pytest.param("admin:members_application_changelist", fill_queue, id="applications"),
    pytest.param("admin:members_person_changelist", fill_members, id="people"),
    pytest.param("admin:members_membership_changelist", fill_members, id="memberships"),
]


@pytest.mark.parametrize(("url_name", "fill"), LIST_PAGES)
def test_a_list_page_costs_the_same_queries_with_3_rows_as_with_30(
    client, secretariat, alstrom, kabuki, django_assert_num_queries, url_name, fill
):
    diagnoses = [alstrom, kabuki, None]
    client.force_login(secretariat)
    url = reverse(url_name)
    client.get(url)  # what is cached once per process is not the page's cost
    fill(range(3), diagnoses, secretariat)
    with CaptureQueriesContext(connection) as three_rows:
        response = client.get(url)
    assert len(rows(response)) == 3

    fill(range(3, 30), diagnoses, secretariat)
    with django_assert_num_queries(len(three_rows)):
        response = client.get(url)

    assert len(rows(response)) == 30

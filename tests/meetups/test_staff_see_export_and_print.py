from __future__ import annotations

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from accesslog.models import AccessRecord
from meetups.models import Registration

from ..mailings.people import person


@pytest.fixture
def staff_client(client, secretariat):
    client.force_login(secretariat)
    return client


@pytest.mark.django_db
def test_participants_export_runs_nothing_typed_and_is_logged(staff_client, meetup):
    sly = person('=HYPERLINK("http://evil")', index=1)
    Registration.objects.create(
        event=meetup, person=sly, status="confirmed", adults=1, dietary_needs="@SUM(A1)"
    )
    Registration.objects.create(
        event=meetup,
        person=person("Åse Ødegård", index=2),
        status="confirmed",
        adults=2,
        children=1,
    )
    csv_text = staff_client.get(
        f"/admin/meetups/event/{meetup.pk}/participants.csv"
    ).content.decode()
    assert "'=HYPERLINK" in csv_text and "'@SUM(A1)" in csv_text
    response = staff_client.get(f"/admin/meetups/event/{meetup.pk}/participants.xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    sly_cell = next(cell for cell in cells if str(cell.value).startswith("=HYPERLINK"))
    assert sly_cell.data_type == "s"
    badges = staff_client.get(f"/admin/meetups/event/{meetup.pk}/badges.pdf")
    assert badges.content.startswith(b"%PDF")
    assert AccessRecord.objects.filter(action="exported", subject=sly.pseudonym).count() == 3


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.django_db
def test_meetup_pages_cost_the_same_at_any_size(staff_client, meetup):
    def register(start: int, count: int) -> None:
        for i in range(start, start + count):
            Registration.objects.create(
                event=meetup, person=person(f"Guest {i}", index=i), status="confirmed", adults=1
            )

    register(0, 2)
    urls = [
        "/admin/meetups/event/",
        "/admin/meetups/registration/",
        f"/admin/meetups/event/{meetup.pk}/change/",
    ]
    # Once first, so that what a first request caches (content types, permissions) is cached.
    for url in urls:
        queries(staff_client, url)
    before = [queries(staff_client, url) for url in urls]
    register(2, 20)
    after = [queries(staff_client, url) for url in urls]
    assert before == after

"""The dashboard (admin, Overview) shows the network at a glance: its figures match what
the network holds exactly, month and year in the network's own time zone, at the same
number of queries for ten members or a thousand; the board's read-only role sees it and
nothing else."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from diagnoses.models import Association, Diagnosis, DiagnosisGroup
from diagnoses.services import save_diagnosis
from members.models import Membership, Person
from members.roles import board_role
from outbox.models import OutgoingEmail
from overview.figures import overview
from overview.tasks import count_network

from ..members.conftest import confirmed
from ..members.page import Page
from ..seeding import seed_group

COPENHAGEN = ZoneInfo("Europe/Copenhagen")
NOW = datetime(2026, 6, 15, 12, 0, tzinfo=COPENHAGEN)


def at(year, month, day, hour=12, minute=0, tz=COPENHAGEN) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=tz)


class Network:
    """People and memberships written directly, with the dates the test needs."""

    def __init__(self):
        self.people = 0

    def person(self, country="DK", language="da") -> Person:
        self.people += 1
        return Person.objects.create(
            full_name=f"Person {self.people}",
            relationship="parent",
            street_address="Skovvej 1",
            postal_code="8000",
            city="Aarhus C",
            country=country,
            phone=f"+452020{self.people:04d}",
            email=f"person{self.people}@example.org",
            language=language,
        )

    def group(self, name: str, **fields) -> DiagnosisGroup:
        return DiagnosisGroup.objects.create(name=name, **fields)

    def join(self, person, group, joined: datetime, left: datetime | None = None) -> None:
        membership = Membership.objects.create(person=person, group=group)
        Membership.objects.filter(pk=membership.pk).update(joined_at=joined, left_at=left)


@pytest.fixture
def known_network(db, alstrom):
    network = Network()
    alone = network.group("Alone")
    small = network.group("Small")
    ready = network.group("Ready")
    association = Association.objects.create(name="Own Association", website="https://a.example")
    founded = network.group("Founded", status="association", association=association)
    emptied = network.group("Emptied")

    # 23:30 UTC on 31 May is 1:30 on 1 June in Copenhagen: a June join.
    network.join(network.person(), alone, at(2026, 5, 31, 23, 30, tz=ZoneInfo("UTC")))
    both = network.person("SE", "sv")
    for person in [both, network.person("SE", "sv"), network.person("NO", "nb")]:
        network.join(person, small, at(2026, 3, 10))
    network.join(both, ready, at(2025, 8, 5))
    for _ in range(14):
        network.join(network.person(), ready, at(2025, 8, 5))
    for country in ["DK"] * 10 + ["FO"] * 6:
        network.join(network.person(country), founded, at(2024, 5, 1))
    network.join(network.person(), emptied, at(2025, 1, 20), left=at(2026, 2, 14))

    confirmed("Aud Hansen", alstrom)
    confirmed("Bo Dahl", alstrom)
    OutgoingEmail.objects.create(
        kind="test", batch="b", recipient="x@example.org", status=OutgoingEmail.Status.FAILED
    )
    return network


def test_every_figure_matches_the_network(known_network):
    figures = overview(NOW)

    assert figures.members == 34  # the member of two groups counts once; the leaver not
    assert figures.groups == 5
    assert figures.groups_with_members == 4
    assert figures.groups_alone == 1
    assert figures.groups_ready == 1  # "Ready" (15); "Founded" has its association
    assert figures.applications_waiting == 2
    assert figures.failed_emails == 1
    tables = {table.key: table.rows for table in figures.tables}
    assert tables["joins-by-month"] == [
        ("2025-07", 0, 0),
        ("2025-08", 15, 0),
        ("2025-09", 0, 0),
        ("2025-10", 0, 0),
        ("2025-11", 0, 0),
        ("2025-12", 0, 0),
        ("2026-01", 0, 0),
        ("2026-02", 0, 1),
        ("2026-03", 3, 0),
        ("2026-04", 0, 0),
        ("2026-05", 0, 0),
        ("2026-06", 1, 0),
    ]
    assert tables["joins-by-year"] == [("2024", 16, 0), ("2025", 16, 0), ("2026", 4, 1)]
    assert tables["group-sizes"] == [
        ("1", 1),
        ("2–4", 1),
        ("5–9", 0),
        ("10–14", 0),
        ("15 or more", 2),
    ]
    assert tables["members-by-country"] == [
        ("Denmark", 25),
        ("Faroe Islands", 6),
        ("Sweden", 2),
        ("Norway", 1),
    ]
    assert tables["members-by-language"] == [
        ("Danish", 31),
        ("Swedish", 2),
        ("Norwegian Bokmål", 1),
    ]


def test_the_threshold_for_an_association_is_a_setting(known_network, settings):
    settings.NETWORK_ASSOCIATION_READY_MEMBERS = 3

    figures = overview(NOW)

    assert figures.groups_ready == 2  # "Small" (3) and "Ready" (15)
    assert [row[0] for row in figures.tables[2].rows] == ["1", "2", "3 or more"]


@pytest.fixture
def board_member(django_user_model):
    user = django_user_model.objects.create_user("bodil", password="s3cret-pass", is_staff=True)
    user.groups.add(board_role())
    return user


def test_the_page_shows_each_chart_with_its_figures_as_a_table(known_network, client, secretariat):
    client.force_login(secretariat)

    page = Page(client.get(reverse("admin:overview_dashboard_changelist")).content)

    rows = [
        [cell.text for cell in page.find("th") + page.find("td") if row in cell.ancestors]
        for row in page.find("tr")
        if row.is_within("group-sizes") and any(a.tag == "tbody" for a in row.ancestors)
    ]
    assert rows == [["1", "1"], ["2–4", "1"], ["5–9", "0"], ["10–14", "0"], ["15 or more", "2"]]
    [chart] = [svg for svg in page.find("svg") if svg.is_within("group-sizes")]
    assert chart.attrs["role"] == "img"
    [title] = [e for e in page.find("title") if chart in e.ancestors]
    [description] = [e for e in page.find("desc") if chart in e.ancestors]
    assert title.text == "Groups by number of members"
    assert "Groups: 4 in all, most for 15 or more (2)" in description.text
    assert len([e for e in page.find("rect") if chart in e.ancestors]) == 5


def test_each_chart_downloads_as_csv(known_network, client, board_member):
    client.force_login(board_member)

    response = client.get(reverse("admin:overview_dashboard_download", args=["members-by-country"]))

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows == [
        ["Country", "Members"],
        ["Denmark", "25"],
        ["Faroe Islands", "6"],
        ["Sweden", "2"],
        ["Norway", "1"],
    ]


def test_the_board_sees_the_dashboard_and_no_personal_data(known_network, client, board_member):
    client.force_login(board_member)

    index = client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:overview_dashboard_changelist") in index
    assert client.get(reverse("admin:overview_dashboard_changelist")).status_code == 200
    for page in ["members_person_changelist", "members_reviewqueue_changelist"]:
        assert client.get(reverse(f"admin:{page}")).status_code == 403
    # The failed email is counted, but the board cannot open the outbox.
    dashboard = client.get(reverse("admin:overview_dashboard_changelist")).content.decode()
    assert reverse("admin:outbox_outgoingemail_changelist") not in dashboard


def test_the_consultant_does_not_see_the_dashboard(db, client, consultant):
    client.force_login(consultant)

    assert client.get(reverse("admin:overview_dashboard_changelist")).status_code == 403


def queries_for_the_dashboard(client, members: int) -> int:
    diagnosis = save_diagnosis(Diagnosis(orpha_code=900000 + members, name=f"D{members}"), [])
    seed_group(diagnosis, members, name=f"Group of {members}")
    cache.clear()  # the count itself is measured, not the reading of the last one
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("admin:overview_dashboard_changelist")).status_code == 200
    return len(queries)


def test_the_dashboard_costs_the_same_queries_for_10_and_1000_members(db, client, secretariat):
    client.force_login(secretariat)
    small = queries_for_the_dashboard(client, 10)
    Membership.objects.all().delete()
    Person.objects.all().delete()

    assert queries_for_the_dashboard(client, 1000) == small


def members_shown(client) -> str:
    page = Page(client.get(reverse("admin:overview_dashboard_changelist")).content)
    [members] = [row for row in page.find("tr") if re.fullmatch(r"Members ?\d+", row.text)]
    return members.text.replace(" ", "")


def test_the_page_shows_the_last_count_until_the_worker_counts_again(
    known_network, client, secretariat
):
    client.force_login(secretariat)
    assert members_shown(client) == "Members34"

    known_network.join(known_network.person(), DiagnosisGroup.objects.get(name="Small"), NOW)
    assert members_shown(client) == "Members34"
    count_network.delay()

    assert members_shown(client) == "Members35"
    assert (
        "counted again every ten minutes"
        in client.get(reverse("admin:overview_dashboard_changelist")).content.decode()
    )

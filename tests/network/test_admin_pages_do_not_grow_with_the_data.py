"""Every admin page makes as many database queries for a large network as for a small one.

A page that makes one more query per row it shows (per member, per delivery, per
registration) is quick for the 800 members of today and falls off a cliff at a million:
its time grows with the data, and no index helps. A benchmark can time a page at a million
members; this test catches the growth itself, at a size the suite can afford, and names
the query that repeats.

Each admin list, and the page of the newest object of each model, is opened by a superuser
twice: in a network seeded with SMALL of everything, and again after LARGE more of
everything has been added, when every table holds several times the rows and the newest
objects hold several times what theirs held (the newest contact list more deliveries, the
newest person more memberships, the newest meetup more registrations). The pages are those
admin.site has registered, so a page added later is measured without a change here, and
fails until the network below has an object for it to open.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group, Permission, User
from django.db import connection, transaction
from django.test import Client, RequestFactory, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accesslog import services as accesslog
from contactlists import services as contactlists
from contactlists.models import Letter
from diagnoses.models import Association, Diagnosis, DiagnosisGroup, ProposedName
from diagnoses.services import save_diagnosis
from founding.models import FoundingStep
from founding.services import record_step
from imports import services as imports
from mailings.models import Mailing, OnlineGroupStatus
from mailings.services import record_online_group, send_mailing
from meetups.models import Event
from meetups.services import invite, register
from members import services as members
from members.consents import ConsentKind
from members.consultations import answer_consultation, ask_consultant
from members.models import Application, Membership, Person
from members.roles import board_role, consultant_role, data_protection_role, secretariat_role
from misuse import services as misuse
from network.sign_in import issue_recovery_codes
from outbox.models import OutgoingEmail

from ..conftest import ALL_CONSENTS
from ..imports.conftest import DANISH_HEADERS, xlsx
from ..seeding import applicant_details, dk_phone, seed_group

# The network grows from SMALL of everything to SMALL + LARGE.
SMALL, LARGE = 2, 6


@dataclass(frozen=True)
class Page:
    model: type
    view: str  # "changelist", or "change" for the page of the newest object

    def __str__(self) -> str:
        return f"{self.model._meta.label_lower} {self.view}"

    def url(self, request) -> str | None:
        """The page's URL; for an object's page, that of the newest object the model's admin
        shows, or None when it shows none."""
        name = f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_{self.view}"
        if self.view == "changelist":
            return reverse(name)
        newest = admin.site._registry[self.model].get_queryset(request).order_by("-pk").first()
        return None if newest is None else reverse(name, args=[newest.pk])


# A model without a table of its own (the dashboard) has a list and no object's page.
PAGES = [
    Page(model, view)
    for model in admin.site._registry
    for view in ("changelist", "change")
    if view == "changelist" or model._meta.managed or model._meta.proxy
]


@dataclass
class Visit:
    url: str | None
    status: int = 0
    shown: str = ""  # the name of the view the page came from, after any redirect
    queries: tuple[str, ...] = ()


def after_commit():
    """What the services schedule for after the commit, run now: the seeding runs in one
    transaction that is rolled back, whose commit never comes."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def add_staff(batch: int, size: int) -> None:
    """`size` staff users in every role and `size` teams, each user with an authenticator
    app, recovery codes, a failed sign-in and a successful one."""
    roles = [secretariat_role(), consultant_role(), data_protection_role(), board_role()]
    teams = [Group.objects.create(name=f"Team {batch}-{n}") for n in range(size)]
    for team in teams:
        team.permissions.set(Permission.objects.order_by("pk")[: 10 * size])
    for n in range(size):
        user = User.objects.create_user(f"staff-{batch}-{n}", is_staff=True)
        user.groups.set([*roles, *teams])
        TOTPDevice.objects.create(user=user, name="default")
        issue_recovery_codes(user)
        sign_in = {
            "username": user.username,
            "ip_address": f"203.0.113.{n}",
            "user_agent": "Browser",
            "http_accept": "text/html",
            "path_info": reverse("two_factor:login"),
            "attempt_time": timezone.now(),
        }
        AccessAttempt.objects.create(**sign_in, get_data="", post_data="", failures_since_start=1)
        AccessLog.objects.create(**sign_in)
        AccessFailureLog.objects.create(**sign_in, locked_out=False)


def add_catalogue(batch: int, size: int) -> list[Diagnosis]:
    """`size` diagnoses, the newest with `size` names and every other one as parents; `size`
    associations covering them; a name proposed for each."""
    diagnoses: list[Diagnosis] = []
    for n in range(size):
        name = f"Syndrome {batch}-{n}"
        diagnosis = save_diagnosis(
            Diagnosis(orpha_code=900000 + 100 * batch + n, name=name),
            [f"{name} type {k}" for k in range(size)],
        )
        diagnosis.parents.set(diagnoses)
        diagnoses.append(diagnosis)
    for n in range(size):
        association = Association.objects.create(
            name=f"Association {batch}-{n}", countries=["DK", "SE", "NO", "FI", "IS"][: n + 1]
        )
        association.diagnoses.set(diagnoses)
    ProposedName.objects.bulk_create(
        ProposedName(diagnosis=diagnosis, name=f"{diagnosis.name}e", language="da")
        for diagnosis in diagnoses
    )
    return diagnoses


def apply(name: str, diagnosis: Diagnosis, number: int) -> Application:
    """An application with every consent given, its email confirmed: in the review queue."""
    email = name.lower().replace(" ", ".") + "@example.org"
    details = applicant_details(name, diagnosis, email=email, phone=dk_phone(number))
    application = members.submit_application(details, ALL_CONSENTS)
    members.confirm_email(application)
    return Application.objects.get(pk=application.pk)


def approve(application: Application, *, by: User) -> Membership:
    """Approved into its diagnosis's group, whose new list is built and sent."""
    with after_commit():
        return members.approve_application(application, by=by)


def add_members(batch: int, diagnoses: list[Diagnosis], *, by: User) -> list[DiagnosisGroup]:
    """A group for each diagnosis, with as many members as there are diagnoses, approved one
    by one: each approval a new version of the list. The first member of each group
    receives the lists by post, as letters."""
    groups = []
    for g, diagnosis in enumerate(diagnoses):
        for n in range(len(diagnoses)):
            membership = approve(
                apply(f"Member {batch}-{g}-{n}", diagnosis, 1000 * batch + 30 * g + n), by=by
            )
            if n == 0:
                Person.objects.filter(pk=membership.person_id).update(receives_lists_by_post=True)
        groups.append(membership.group)
    posted = Letter.objects.filter(delivery__contact_list__group__in=groups).to_post()
    contactlists.mark_posted(list(posted[: len(groups)]), by=by)
    return groups


def add_applicants(batch: int, diagnoses: list[Diagnosis], *, by: User) -> None:
    """Applicants waiting in the review queue, each one's case put to the consultant; every
    other case answered."""
    consultant = User.objects.filter(groups=consultant_role()).first()
    for n, diagnosis in enumerate(diagnoses):
        application = apply(f"Applicant {batch}-{n}", diagnosis, 1000 * batch + 900 + n)
        consultation = ask_consultant(application, "Rare enough?", by=by)
        if n % 2:
            answer_consultation(consultation, "Yes.", by=consultant)


def add_import(batch: int, diagnoses: list[Diagnosis], *, by: User) -> None:
    """Spreadsheets of as many rows as there are diagnoses, one for each: all but the last
    uploaded and waiting for their columns to be mapped; the last imported, and each of its
    groups sent its list."""
    sheet = [DANISH_HEADERS]
    for n, diagnosis in enumerate(diagnoses):
        sheet.append(
            [
                f"Imported {batch}-{n}",
                f"imported.{batch}.{n}@example.org",
                dk_phone(1000 * batch + 800 + n),
                f"Søndergade {n + 1}",
                "8000",
                "Århus C",
                "Danmark",
                "forælder",
                f"ORPHA:{diagnosis.orpha_code}",
                "01-03-2019",
            ]
        )
    options = imports.ImportOptions(consent_version="paper-2019")
    for n in range(len(diagnoses) - 1):
        imports.start_import(f"members-{batch}-{n}.xlsx", xlsx(sheet), options, by=by)
    with after_commit():
        member_import = imports.start_import(f"members-{batch}.xlsx", xlsx(sheet), options, by=by)
        imports.map_columns(member_import, member_import.mapping, by=by)
    member_import.refresh_from_db()
    with after_commit():
        imports.confirm_import(member_import, by=by)
    with after_commit():
        imports.send_imported_lists(member_import, by=by)


def add_reports(batch: int, groups: list[DiagnosisGroup], *, by: User) -> None:
    """A report of misuse about each group; for the newest, a suspension of each member of
    the first group but one, and one lifted."""
    for group in groups:
        report = misuse.submit_report(
            group=group,
            what_happened=f"Adverts in group {batch}",
            reporter_email=f"reporter.{batch}.{group.pk}@example.org",
            language="da",
        )
    memberships = Membership.objects.active().filter(group=groups[0]).order_by("pk")
    with after_commit():
        suspensions = [
            misuse.suspend(report, membership, by=by, note="Adverts")
            for membership in memberships[1:]
        ]
        misuse.lift(suspensions[0], by=by)
        misuse.add_note(report, "Looked into.", by=by)


def add_founding_steps(groups: list[DiagnosisGroup], *, by: User) -> None:
    """Each group on its way to an association of its own, as many steps as there are groups."""
    steps = [FoundingStep.Step.CONTACTED, FoundingStep.Step.MEETING_HELD]
    for group in groups:
        for n in range(len(groups)):
            record_step(group, steps[n % 2], date(2026, 1, 1) + timedelta(days=n), by=by)


def add_member_of_every_group(batch: int, diagnoses: list[Diagnosis], *, by: User) -> None:
    """The newest person: a member of every group, asked as many questions before the last
    approval, with the mailing consent withdrawn and given again as many times."""
    name = f"Busy Member {batch}"
    for n, diagnosis in enumerate(diagnoses):
        application = apply(name, diagnosis, 1000 * batch + 990)
        if n == len(diagnoses) - 1:
            for k in range(len(diagnoses)):
                with after_commit():
                    members.request_information(application, f"Question {k}?", by=by)
                members.answer_information_request(application, f"Answer {k}.")
                application.refresh_from_db()
        membership = approve(application, by=by)
    for _n in diagnoses:
        members.change_consent(membership.person, ConsentKind.MAILINGS, False, by=by)
        members.change_consent(membership.person, ConsentKind.MAILINGS, True, by=by)


def add_mailings_and_meetups(batch: int, size: int, *, by: User) -> None:
    """`size` mailings sent to everyone who consents, a draft, and `size` meetups with everyone
    invited and some registered (the last of them waiting); the online group joined by the
    newest members."""
    Mailing.objects.create(texts={"en": {"subject": f"Draft {batch}", "body": "Soon."}})
    for n in range(size):
        mailing = Mailing.objects.create(
            texts={"en": {"subject": f"News {batch}-{n}", "body": "."}}
        )
        with after_commit():
            send_mailing(mailing, by=by)
    for n in range(size):
        event = Event.objects.create(
            texts={"en": {"title": f"Rare days {batch}-{n}"}},
            starts_at=timezone.now() + timedelta(days=30 + n),
            registration_deadline=timezone.now() + timedelta(days=20),
            place="Nyborg",
            capacity=size,
        )
        with after_commit():
            invite(event, by=by)
            for registration in event.registrations.order_by("pk")[:size]:
                register(registration, adults=1, children=1, dietary_needs="No gluten")
    for person in Person.objects.order_by("-pk")[:size]:
        record_online_group(person, OnlineGroupStatus.Status.JOINED, by=by)


def add_network(batch: int, size: int, *, by: User) -> None:
    """`size` of everything admin shows, added to what is there. The people are admitted,
    imported, reported and suspended through the services, so every row is one the app
    would make. The order matters: the member of every group comes after the others, so
    that the newest person, and the newest contact list, are those with the most rows."""
    add_staff(batch, size)
    diagnoses = add_catalogue(batch, size)
    groups = add_members(batch, diagnoses, by=by)
    add_applicants(batch, diagnoses, by=by)
    add_import(batch, diagnoses, by=by)
    add_reports(batch, groups, by=by)
    add_founding_steps(groups, by=by)
    add_member_of_every_group(batch, diagnoses, by=by)
    add_mailings_and_meetups(batch, size, by=by)
    groups[-1].diagnoses.add(*diagnoses)
    for person in Person.objects.order_by("-pk")[:size]:
        accesslog.record(by, accesslog.Action.VIEWED, "person", person.pseudonym)
    # Some of the email failed, as some always does.
    failing = OutgoingEmail.objects.order_by("-pk").values("pk")[:size]
    OutgoingEmail.objects.filter(pk__in=failing).update(
        status=OutgoingEmail.Status.FAILED, attempts=8, last_error="SMTPRecipientsRefused: 550"
    )


def visit_all(client: Client, request) -> dict[Page, Visit]:
    """Each page's queries, on a second visit: what a process caches once is not the
    page's cost."""
    visits = {}
    for page in PAGES:
        visit = visits[page] = Visit(page.url(request))
        if visit.url is None:
            continue
        client.get(visit.url, follow=True)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(visit.url, follow=True)
        visit.status = response.status_code
        visit.shown = response.resolver_match.view_name if response.resolver_match else ""
        visit.queries = tuple(query["sql"] for query in captured)
    return visits


@pytest.fixture(scope="module")
def visits(django_db_setup, django_db_blocker) -> dict[Page, tuple[Visit, Visit]]:
    """Every page at both sizes. The two networks are seeded once for all pages, in one
    transaction that is rolled back."""
    with django_db_blocker.unblock(), transaction.atomic():
        superuser = User.objects.create_superuser("root", "root@example.org", "s3cret-pass")
        client = Client()
        client.force_login(superuser)
        request = RequestFactory().get("/")
        request.user = superuser
        add_network(1, SMALL, by=superuser)
        small = visit_all(client, request)
        add_network(2, LARGE, by=superuser)
        large = visit_all(client, request)
        transaction.set_rollback(True)
    return {page: (small[page], large[page]) for page in PAGES}


def shape(sql: str) -> str:
    """A query with its values left out, so that the same query for another row reads the same."""
    sql = re.sub(r"'(?:[^']|'')*'", "'…'", sql)
    sql = re.sub(r"\d+", "N", sql)
    return re.sub(r"\((?:N, )+N\)", "(N, …)", sql)


def added_queries(small: Visit, large: Visit) -> str:
    """The queries the large network's page made beyond the small one's, each with how many
    more times it ran."""
    added = Counter(map(shape, large.queries)) - Counter(map(shape, small.queries))
    return "\n".join(f"{times} more x {sql}" for sql, times in added.most_common())


# The mark has the test database made for the fixture; the test itself only compares.
@pytest.mark.django_db
@pytest.mark.parametrize("page", PAGES, ids=str)
def test_an_admin_page_makes_as_many_queries_for_a_large_network_as_for_a_small_one(page, visits):
    small, large = visits[page]
    assert small.url and large.url, f"Nothing to open {page} with: seed one in add_network."
    for visit in small, large:
        # A page that sent on to the index or to sign in would cost the same at any size.
        assert visit.status == 200, f"{visit.url}: status {visit.status}"
        assert visit.shown.endswith(("_change", "_changelist")), f"{visit.url}: {visit.shown}"

    assert len(large.queries) == len(small.queries), (
        f"{page}: {len(small.queries)} queries with the small network ({small.url}), "
        f"{len(large.queries)} with the large one ({large.url}); added:\n"
        + added_queries(small, large)
    )


# A query that reads a contact list's entries: the JSON itself, not its length.
READS_ENTRIES = re.compile(r'(?<!jsonb_array_length\()(?:"\w+"|\b[TU]\d+)\."entries"')


def test_a_contact_lists_page_reads_its_entries_once_not_once_per_delivery(client, alstrom):
    """A 1,000-member group's entries are some 300 KB: read with each delivery, by a query
    per delivery or by joining them to the deliveries, its list's page reads 300 MB."""
    group = seed_group(alstrom, 40)
    contact_list = group.contact_lists.get()
    client.force_login(User.objects.create_superuser("root", "root@example.org", "s3cret-pass"))

    with CaptureQueriesContext(connection) as captured:
        response = client.get(
            reverse("admin:contactlists_contactlist_change", args=[contact_list.pk])
        )

    assert response.status_code == 200
    assert response.content.decode().count('class="field-person"') == 40
    reads = [query["sql"] for query in captured if READS_ENTRIES.search(query["sql"])]
    assert len(reads) <= 1, f"{len(reads)} queries read the entries; the first two:\n" + (
        "\n".join(reads[:2])
    )
    # The one read allowed is of the list itself, not of its deliveries with their list.
    of_the_list = re.compile(rf'"contactlists_contactlist"\."id" = {contact_list.pk}\b')
    assert all(of_the_list.search(sql) for sql in reads), reads

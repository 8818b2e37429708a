"""Staff with the data protection role read the access log, filtered by person, staff user
and date; nobody can write to it through admin, and the secretariat, whom it watches, and
the medical consultant cannot open it at all."""

from __future__ import annotations

import uuid
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accesslog import services as accesslog
from accesslog.models import AccessRecord

CHANGELIST = "admin:accesslog_accessrecord_changelist"


def shown(response) -> list[AccessRecord]:
    return list(response.context["cl"].result_list)


@pytest.fixture
def log(secretariat, consultant, member_of_a):
    """Sara read Mette's record yesterday and changed it today; Carl read someone else's."""
    someone_else = uuid.uuid4()
    yesterday = accesslog.record(secretariat, "viewed", "person", member_of_a.pseudonym)
    AccessRecord.objects.filter(pk=yesterday.pk).update(at=timezone.now() - timedelta(days=1))
    accesslog.record(secretariat, "changed", "person", member_of_a.pseudonym, fields=["phone"])
    accesslog.record(consultant, "viewed", "application", someone_else)
    return member_of_a.pseudonym, someone_else


def test_data_protection_finds_one_persons_log_by_their_pseudonym(client, data_protection, log):
    mette, _someone_else = log
    client.force_login(data_protection)

    response = client.get(reverse(CHANGELIST), {"q": str(mette)})

    assert response.status_code == 200
    assert [(r.action, r.username) for r in shown(response)] == [
        ("changed", "sara"),
        ("viewed", "sara"),
    ]
    # Without hyphens, as some systems print a UUID, it is the same pseudonym.
    assert len(shown(client.get(reverse(CHANGELIST), {"q": mette.hex}))) == 2
    assert shown(client.get(reverse(CHANGELIST), {"q": "Mette Holm"})) == []


def test_data_protection_filters_the_log_by_staff_user_and_by_date(
    client, data_protection, consultant, log
):
    client.force_login(data_protection)
    today = timezone.localdate()

    by_carl = shown(client.get(reverse(CHANGELIST), {"user__id__exact": consultant.pk}))
    of_today = shown(
        client.get(
            reverse(CHANGELIST),
            {"at__year": today.year, "at__month": today.month, "at__day": today.day},
        )
    )

    assert [r.username for r in by_carl] == ["carl"]
    assert sorted(r.username for r in of_today) == ["carl", "sara"]


def test_data_protection_opens_a_record_read_only(client, data_protection, log):
    client.force_login(data_protection)
    entry = AccessRecord.objects.filter(action="changed").get()

    response = client.get(reverse("admin:accesslog_accessrecord_change", args=[entry.pk]))

    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    assert not response.context["has_delete_permission"]
    assert (
        client.post(reverse("admin:accesslog_accessrecord_delete", args=[entry.pk])).status_code
        == 403
    )


@pytest.mark.parametrize("who", ["secretariat", "consultant"])
def test_the_staff_it_watches_cannot_open_or_change_the_log(client, request, log, who):
    client.force_login(request.getfixturevalue(who))
    entry = AccessRecord.objects.first()

    assert client.get(reverse(CHANGELIST)).status_code == 403
    assert (
        client.get(reverse("admin:accesslog_accessrecord_change", args=[entry.pk])).status_code
        == 403
    )
    response = client.post(reverse("admin:accesslog_accessrecord_delete", args=[entry.pk]))
    assert response.status_code == 403
    assert AccessRecord.objects.count() == 3


def test_not_even_a_superuser_can_add_change_or_delete_a_record(client, admin_user, log):
    client.force_login(admin_user)
    entry = AccessRecord.objects.first()

    assert client.get(reverse("admin:accesslog_accessrecord_add")).status_code == 403
    response = client.post(
        reverse("admin:accesslog_accessrecord_change", args=[entry.pk]), {"note": "tidied"}
    )
    assert response.status_code == 403
    response = client.post(
        reverse(CHANGELIST),
        {"action": "delete_selected", "_selected_action": [entry.pk], "post": "yes"},
    )
    assert AccessRecord.objects.count() == 3
    assert not AccessRecord.objects.filter(note="tidied").exists()


def test_data_protection_sees_nothing_else_in_admin(client, data_protection, member_of_a):
    client.force_login(data_protection)

    index = client.get(reverse("admin:index"))

    assert [app["app_label"] for app in index.context["app_list"]] == ["accesslog"]
    assert client.get(reverse("admin:members_person_changelist")).status_code == 403


def fill(user, n: int) -> None:
    AccessRecord.objects.bulk_create(
        AccessRecord(
            user=user,
            username=user.username,
            action="viewed",
            subject_kind="person",
            subject=uuid.uuid4(),
        )
        for _ in range(n)
    )


def test_the_log_costs_the_same_number_of_queries_at_any_size(
    client, data_protection, secretariat, consultant, django_assert_num_queries
):
    client.force_login(data_protection)
    url = reverse(CHANGELIST)
    client.get(url)  # what is cached once per process is not the page's cost
    fill(secretariat, 3)
    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    assert len(shown(response)) == 3

    fill(secretariat, 150)
    fill(consultant, 150)
    with django_assert_num_queries(len(few)):
        response = client.get(url)

    assert len(shown(response)) == 100  # a page


def test_setup_roles_creates_the_data_protection_role(db):
    out = StringIO()
    call_command("setup_roles", stdout=out)

    role = Group.objects.get(name="Data protection")
    assert {f"{p.content_type.app_label}.{p.codename}" for p in role.permissions.all()} == {
        "accesslog.view_accessrecord"
    }
    assert (
        not Group.objects.get(name="Secretariat")
        .permissions.filter(content_type__app_label="accesslog")
        .exists()
    )
    assert "Data protection: 1 permissions" in out.getvalue()

"""The access log refers to pseudonyms, not to rows: when a person is gone, what staff did
with their data is still on record, and still names nobody."""

from __future__ import annotations

import uuid

from django.urls import reverse

from accesslog import services as accesslog
from accesslog.models import AccessRecord
from members.models import Person


def test_the_log_survives_the_deletion_of_the_person(client, secretariat, member_of_a):
    pseudonym = member_of_a.pseudonym
    client.force_login(secretariat)
    client.get(reverse("admin:members_person_change", args=[member_of_a.pk]))

    Person.objects.filter(pk=member_of_a.pk).delete()

    entry = AccessRecord.objects.get(subject=pseudonym)
    assert (entry.username, entry.action, entry.subject_kind) == ("sara", "viewed", "person")


def test_the_log_survives_the_staff_account_that_it_names(
    client, secretariat, django_user_model, member_of_a
):
    accesslog.record(secretariat, "viewed", "person", member_of_a.pseudonym)

    django_user_model.objects.filter(pk=secretariat.pk).delete()

    entry = AccessRecord.objects.get()
    assert (entry.user, entry.username) == (None, "sara")


def test_a_members_copy_of_their_data_has_their_log_without_staff_names(secretariat, application):
    accesslog.record(secretariat, "viewed", "application", application.pseudonym)
    accesslog.record(secretariat, "changed", "application", application.pseudonym, ["city"])
    accesslog.record(None, "exported", "application", application.pseudonym)
    accesslog.record(secretariat, "viewed", "person", uuid.uuid4())  # someone else

    records = accesslog.records_for([application.pseudonym])

    assert [(r["action"], r["by_staff"], r["fields"]) for r in records] == [
        ("viewed", True, []),
        ("changed", True, ["city"]),
        ("exported", False, []),
    ]
    assert "sara" not in str(records)


def test_staff_who_may_read_the_log_get_a_link_from_the_page_to_its_log(
    client, admin_user, member_of_a
):
    client.force_login(admin_user)

    response = client.get(reverse("admin:members_person_change", args=[member_of_a.pk]))

    log = reverse("admin:accesslog_accessrecord_changelist") + f"?q={member_of_a.pseudonym}"
    assert log in response.content.decode()

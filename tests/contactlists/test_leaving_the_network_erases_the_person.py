"""A member who leaves the network is erased at once: their groups get a list without them,
and no table keeps their name, email, phone or street; only anonymous counts stay.
Deleting a person in admin (for someone without a working email address) does the same.
A member's copy of their data holds everything about them, and of other members only
what the lists sent to them held."""

from __future__ import annotations

import json

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.management import call_command
from django.urls import reverse

from accesslog.models import AccessRecord
from contactlists.models import ContactList
from members import privacy
from members.models import Application, Membership, Person
from outbox.models import OutgoingEmail

from ..conftest import admit
from .conftest import group_of, join, latest_list, list_emails


def scan(person_details: dict) -> tuple[int, str]:
    """privacy_scan for a person's details: its exit status and what it printed."""
    from io import StringIO

    out = StringIO()
    try:
        call_command(
            "privacy_scan",
            person_details["email"],
            name=person_details["name"],
            phone=person_details["phone"],
            street=person_details["street"],
            stdout=out,
            stderr=StringIO(),
        )
    except SystemExit as exit:
        return int(exit.code), out.getvalue()
    return 0, out.getvalue()


def details_of(person: Person) -> dict:
    return {
        "email": person.email,
        "name": person.full_name,
        "phone": str(person.phone),
        "street": person.street_address,
    }


@pytest.fixture
def group_of_two(alstrom, secretariat, send_lists):
    mette = join("Mette Holm", alstrom, secretariat)
    jonas = join("Jonas Berg", alstrom, secretariat)
    send_lists()
    return mette, jonas


def test_before_leaving_the_scan_finds_the_member_everywhere_they_are(group_of_two):
    mette, _jonas = group_of_two

    status, found = scan(details_of(mette))

    assert status == 1
    for column in [
        "members_person.full_name",
        "members_application.email",
        "contactlists_contactlist.entries",
        "outbox_outgoingemail.recipient",
        "outbox_outgoingemail.text",
    ]:
        assert column in found


def test_leaving_the_network_erases_the_member_and_sends_the_group_a_list_without_them(
    group_of_two, after_commit, mailoutbox, client, secretariat
):
    mette, jonas = group_of_two
    before = details_of(mette)
    group = group_of(jonas)
    client.force_login(secretariat)
    assert client.get(reverse("admin:members_person_change", args=[mette.pk])).status_code == 200
    mailoutbox.clear()

    with after_commit():
        privacy.leave_network(mette)

    assert scan(before) == (0, "Nothing found.\n")
    assert not Person.objects.filter(pk=mette.pk).exists()
    assert not Application.objects.filter(email__iexact=before["email"]).exists()
    [update] = list_emails(mailoutbox, to=jonas.email)
    assert "Mette Holm" not in update.text()
    assert list_emails(mailoutbox, to=before["email"]) == []
    # What stays is anonymous: her ended membership, and the emails' counts.
    [ended] = Membership.objects.filter(group=group, person=None)
    assert ended.left_at is not None
    assert OutgoingEmail.objects.filter(recipient="erased@invalid").count() >= 3
    for version in ContactList.objects.filter(group=group):
        assert all(entry["full_name"] != "Mette Holm" for entry in version.entries)
    assert [e["full_name"] for e in latest_list(group).entries] == ["Jonas Berg"]
    # The access log still shows, under her pseudonym alone, that staff read her record
    # and that she was erased.
    log = AccessRecord.objects.filter(subject=mette.pseudonym)
    assert set(log.values_list("action", "username")) >= {("viewed", "sara"), ("erased", "")}


def test_deleting_a_person_in_admin_erases_them_the_same_way(
    group_of_two, client, secretariat, after_commit, mailoutbox
):
    mette, jonas = group_of_two
    before = details_of(mette)
    mailoutbox.clear()
    client.force_login(secretariat)

    with after_commit():
        response = client.post(
            reverse("admin:members_person_changelist"),
            {"action": "delete_selected", ACTION_CHECKBOX_NAME: [mette.pk], "post": "yes"},
        )

    assert response.status_code == 302
    assert scan(before) == (0, "Nothing found.\n")
    [update] = list_emails(mailoutbox, to=jonas.email)
    assert "Mette Holm" not in update.text() and "Jonas Berg" in update.text()


def test_a_membership_is_ended_in_admin_never_deleted(group_of_two, client, secretariat):
    mette, _jonas = group_of_two
    membership = Membership.objects.get(person=mette)
    client.force_login(secretariat)

    response = client.get(reverse("admin:members_membership_delete", args=[membership.pk]))

    assert response.status_code == 403


def test_a_members_data_holds_both_groups_their_consents_and_only_what_lists_held_of_others(
    alstrom, kabuki, secretariat, send_lists
):
    mette = join("Mette Holm", alstrom, secretariat)
    jonas = join("Jonas Berg", alstrom, secretariat)
    join("Aud Hansen", kabuki, secretariat)
    ingrid = join("Ingrid Lund", kabuki, secretariat)
    # Jonas keeps his phone and birth year from the group; Ingrid leaves before Mette joins.
    Person.objects.filter(pk=jonas.pk).update(share_phone=False, birth_year=1999)
    send_lists()
    Membership.objects.filter(person=ingrid).update(left_at="2026-01-01T00:00Z")
    admit("Mette Holm", kabuki, secretariat, phone=str(mette.phone))  # a second group
    send_lists()
    jonas.refresh_from_db()

    data = privacy.personal_data(Person.objects.get(pk=mette.pk))
    text = json.dumps(data, ensure_ascii=False)

    assert {m["group"] for m in data["memberships"]} == {"Alström syndrome", "Kabuki syndrome"}
    assert data["person"]["email"] == mette.email and data["person"]["share_birth_year"] is False
    assert {(c["kind"], c["text_version"]) for c in data["consents"]} >= {
        ("share_contact_details", "2026-12"),
        ("health_data", "2026-11"),
    }
    assert len(data["applications"]) == 2
    assert {e["kind"] for e in data["emails"]} >= {"email to an applicant", "contact list"}
    assert {(s["group"], s["version"]) for s in data["contact_lists_sent_to_you"]} >= {
        ("Alström syndrome", 1),
        ("Kabuki syndrome", 2),
    }
    # Of others, only what the lists sent to her held: not what they keep from the group,
    # nothing of a member who left before she joined.
    assert "Jonas Berg" in text and jonas.street_address in text
    assert jonas.phone.as_e164 not in text and "1999" not in text
    assert ingrid.full_name not in text and ingrid.email not in text

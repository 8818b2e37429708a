"""Every admin page that shows one person's or one application's personal data leaves a
record: who, when, what, and whose (a pseudonym), never a name or a value."""

from __future__ import annotations

import json

import pytest
from django.core import serializers
from django.urls import reverse

from accesslog.models import AccessRecord
from contactlists.models import Delivery
from members import services
from members.models import ApplicationEvent, Membership

from ..conftest import admit


def only_record() -> AccessRecord:
    [entry] = AccessRecord.objects.all()
    return entry


def as_stored(entry: AccessRecord) -> str:
    """Everything the record holds, as the database has it."""
    return json.dumps(json.loads(serializers.serialize("json", [entry])), ensure_ascii=False)


def test_viewing_a_persons_page_leaves_a_record_with_the_user_and_pseudonym_and_no_name(
    client, secretariat, member_of_a
):
    client.force_login(secretariat)

    response = client.get(reverse("admin:members_person_change", args=[member_of_a.pk]))

    assert response.status_code == 200
    entry = only_record()
    assert (entry.user, entry.username, entry.action) == (secretariat, "sara", "viewed")
    assert (entry.subject_kind, entry.subject) == ("person", member_of_a.pseudonym)
    assert entry.fields == []
    stored = as_stored(entry)
    for trace in ["Mette", "Holm", member_of_a.email, "Vej 1", "Aarhus", "2012 3456"]:
        assert trace not in stored


def test_saving_a_persons_page_records_the_names_of_the_changed_fields_not_their_values(
    client, secretariat, member_of_a
):
    client.force_login(secretariat)
    page = reverse("admin:members_person_change", args=[member_of_a.pk])
    form = client.get(page).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    # As a browser posts it: a field with a callable default sends its initial value too.
    data["initial-language"] = data["language"]
    data.update(
        {
            "phone": "+4529998877",
            "city": "Randers",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "consents-TOTAL_FORMS": "0",
            "consents-INITIAL_FORMS": "0",
        }
    )
    data = {key: value for key, value in data.items() if value is not False}
    AccessRecord.objects.all().delete()

    response = client.post(page, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    entry = only_record()
    assert (entry.username, entry.action, entry.subject) == (
        "sara",
        "changed",
        member_of_a.pseudonym,
    )
    assert entry.fields == ["city", "phone"]
    assert "Randers" not in as_stored(entry)
    assert "29998877" not in as_stored(entry)


@pytest.mark.parametrize(
    "page",
    [
        "admin:members_application_change",
        "admin:members_application_approve",
        "admin:members_application_reject",
        "admin:members_application_ask_consultant",
    ],
)
def test_each_page_of_an_application_leaves_a_record_against_its_pseudonym(
    client, secretariat, application, page
):
    client.force_login(secretariat)

    response = client.get(reverse(page, args=[application.pk]))

    assert response.status_code == 200
    entry = only_record()
    assert (entry.username, entry.action) == ("sara", "viewed")
    assert (entry.subject_kind, entry.subject) == ("application", application.pseudonym)
    assert "Freja" not in as_stored(entry)


def test_an_approved_person_is_logged_under_the_pseudonym_of_their_application(
    secretariat, application
):
    membership = services.approve_application(application, by=secretariat)

    assert membership.person.pseudonym == application.pseudonym


def test_a_membership_page_is_logged_against_the_persons_pseudonym(
    client, secretariat, member_of_a
):
    client.force_login(secretariat)
    membership = Membership.objects.get(person=member_of_a)

    client.get(reverse("admin:members_membership_change", args=[membership.pk]))

    assert (only_record().subject_kind, only_record().subject) == ("person", member_of_a.pseudonym)


def test_an_outgoing_email_page_is_logged_against_whom_it_was_written_to(
    client, alstrom, secretariat, application, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        member = admit("Mette Holm", alstrom, secretariat).person
    client.force_login(secretariat)
    confirmation = ApplicationEvent.objects.get(application=application, action="submitted").email
    contact_list = Delivery.objects.get(person=member).email
    AccessRecord.objects.all().delete()  # the approval is logged too

    client.get(reverse("admin:outbox_outgoingemail_change", args=[confirmation.pk]))
    client.get(reverse("admin:outbox_outgoingemail_change", args=[contact_list.pk]))

    assert list(AccessRecord.objects.order_by("pk").values_list("subject_kind", "subject")) == [
        ("application", application.pseudonym),
        ("person", member.pseudonym),
    ]


def test_a_page_refused_or_not_found_leaves_no_record(client, consultant, secretariat, member_of_a):
    client.force_login(consultant)
    client.get(reverse("admin:members_person_change", args=[member_of_a.pk]))
    client.force_login(secretariat)
    client.get(reverse("admin:members_person_change", args=[member_of_a.pk + 1000]), follow=True)

    assert not AccessRecord.objects.exists()

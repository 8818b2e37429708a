"""A member's change of shared details, or departure, goes out to the group as a new list;
a change the group cannot see does not. Staff can send the current list to one member again."""

from __future__ import annotations

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from contactlists.models import Delivery
from members.models import Membership
from members.services import leave_group, update_contact_details
from outbox.services import ResendRefused, resend

from .conftest import group_of, join, latest_list, list_emails


@pytest.fixture
def group_of_two(alstrom, secretariat, send_lists, mailoutbox):
    mette = join("Mette Holm", alstrom, secretariat)
    jonas = join("Jonas Berg", alstrom, secretariat)
    send_lists()
    mailoutbox.clear()
    return mette, jonas


def test_a_new_shared_address_sends_the_group_a_new_list_with_it(
    group_of_two, after_commit, mailoutbox
):
    mette, jonas = group_of_two
    before = latest_list(group_of(mette))
    with after_commit():
        update_contact_details(mette, {"street_address": "Nygade 5"}, by=None)

    assert latest_list(group_of(mette)).version == before.version + 1
    [to_jonas] = list_emails(mailoutbox, jonas.email)
    assert "Nygade 5" in to_jonas.text()
    assert "Welcome" not in to_jonas.subject


def test_a_change_the_group_cannot_see_sends_nothing(group_of_two, after_commit, mailoutbox):
    mette, _jonas = group_of_two
    with after_commit():
        update_contact_details(mette, {"share_address": False}, by=None)
    version = latest_list(group_of(mette)).version
    mailoutbox.clear()

    with after_commit():
        # The address is no longer shared, so a new one changes nothing the group sees.
        update_contact_details(mette, {"street_address": "Nygade 5"}, by=None)

    assert latest_list(group_of(mette)).version == version
    assert mailoutbox == []


def test_editing_a_member_in_admin_sends_the_group_the_change(
    group_of_two, after_commit, mailoutbox, client, secretariat
):
    mette, jonas = group_of_two
    client.force_login(secretariat)
    page = reverse("admin:members_person_change", args=[mette.pk])
    form = client.get(page).context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(
        {
            "phone": "+4529998877",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "consents-TOTAL_FORMS": "0",
            "consents-INITIAL_FORMS": "0",
        }
    )
    data = {key: value for key, value in data.items() if value is not False}

    with after_commit():
        response = client.post(page, data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    [to_jonas] = list_emails(mailoutbox, jonas.email)
    assert "+45 29 99 88 77" in to_jonas.text()


def test_a_member_who_leaves_is_on_no_later_list_and_gets_no_more_lists(
    group_of_two, alstrom, secretariat, after_commit, mailoutbox
):
    mette, jonas = group_of_two
    with after_commit():
        assert leave_group(Membership.objects.get(person=jonas), by=secretariat)
    [update] = list_emails(mailoutbox, mette.email)
    assert "Jonas Berg" not in update.text()
    assert list_emails(mailoutbox, jonas.email) == []
    mailoutbox.clear()

    with after_commit():
        join("Freja Christensen", alstrom, secretariat)

    assert list_emails(mailoutbox, jonas.email) == []
    assert "Jonas Berg" not in list_emails(mailoutbox, mette.email)[0].text()


def test_staff_can_send_the_current_list_again_to_one_member(
    group_of_two, after_commit, mailoutbox, client, secretariat
):
    mette, jonas = group_of_two
    delivery = Delivery.objects.get(contact_list=latest_list(group_of(mette)), person=jonas)
    client.force_login(secretariat)

    with after_commit():
        client.post(
            reverse("admin:outbox_outgoingemail_changelist"),
            {"action": "resend", ACTION_CHECKBOX_NAME: [delivery.email_id]},
        )

    assert len(list_emails(mailoutbox, jonas.email)) == 1
    assert list_emails(mailoutbox, mette.email) == []


def test_an_old_version_or_a_departed_member_is_never_sent_again(
    group_of_two, after_commit, secretariat
):
    mette, jonas = group_of_two
    old = Delivery.objects.get(contact_list=latest_list(group_of(mette)), person=mette)
    with after_commit():
        leave_group(Membership.objects.get(person=jonas), by=secretariat)
    departed = Delivery.objects.filter(person=jonas).latest("contact_list__version")

    with pytest.raises(ResendRefused, match="newer version"):
        resend(old.email, by=secretariat)
    with pytest.raises(ResendRefused):
        resend(departed.email, by=secretariat)

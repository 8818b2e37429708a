"""A member who suspects that a contact list is misused tells the secretariat through the
link in the list email, which names the group; the report reaches the staff queue with its
group. Staff suspend a member from the group's lists: the group gets a new list without
them, they are told in their language, and the reporter learns nothing about them. Lifting
the suspension puts them back."""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from django.test import Client
from django.urls import reverse

from contactlists.models import ContactList
from members.models import Membership, Person
from misuse import services
from misuse.models import MisuseReport, ReportEvent, Suspension

from ..contactlists.conftest import (
    after_commit,
    group_of,
    join,
    latest_list,
    list_emails,
    send_lists,
)
from ..members.page import Page
from ..selfservice.conftest import ask_for_link, sign_in

# Fixtures of the contact-list and self-service tests, used here too.
__all__ = ["after_commit", "ask_for_link", "send_lists", "sign_in"]

REPORT_LINK = re.compile(r"https?://\S+/report/\?list=\S+")


@pytest.fixture
def group_of_three(alstrom, secretariat, send_lists):
    members = [
        join(name, alstrom, secretariat) for name in ("Mette Holm", "Jonas Berg", "Aud Hansen")
    ]
    send_lists()
    return members


def report_link(mailoutbox, person: Person) -> str:
    [mail] = list_emails(mailoutbox, to=person.email)[-1:]
    link = urlparse(REPORT_LINK.search(mail.text()).group(0))
    return f"{link.path}?{link.query}"


def test_a_report_through_the_list_email_reaches_the_queue_with_its_group(
    group_of_three, mailoutbox, after_commit
):
    mette, jonas, _aud = group_of_three
    link = report_link(mailoutbox, mette)
    reporter = Client()
    mailoutbox.clear()

    form = reporter.get(link)
    assert "About the contact list of the Alström syndrome group." in form.content.decode()
    assert "group_as_typed" not in form.content.decode()
    with after_commit():
        sent = reporter.post(
            link,
            {
                "list": Page(form.content).value("list"),
                "what_happened": "Jonas sends the whole group adverts for his shop.",
                "reporter_name": "Mette Holm",
                "reporter_email": mette.email,
            },
        )

    assert sent.status_code == 302
    report = MisuseReport.objects.get()
    assert report.group == group_of(mette)
    assert report.status == MisuseReport.Status.NEW
    assert report.what_happened == "Jonas sends the whole group adverts for his shop."
    [receipt] = mailoutbox
    assert receipt.to == [mette.email]
    assert "received your report" in receipt.subject


def test_a_tampered_link_asks_which_group_and_loses_nothing(client, group_of_three, mailoutbox):
    link = report_link(mailoutbox, group_of_three[0])

    response = client.post(
        link[:-3] + "xyz",
        {"list": "forged", "what_happened": "", "reporter_email": "not-an-address"},
    )

    page = Page(response.content)
    assert response.status_code == 200
    assert page.controls("group_as_typed"), "without a valid link, the group is asked for"
    assert page.is_marked_invalid("what_happened")
    assert page.is_marked_invalid("reporter_email")
    assert page.value("reporter_email") == "not-an-address"
    assert MisuseReport.objects.count() == 0


def test_suspending_a_member_sends_the_group_a_list_without_them_and_lifting_restores_them(
    client, secretariat, group_of_three, mailoutbox, after_commit, send_lists, settings
):
    settings.LANGUAGE_CODE = "en"
    mette, jonas, aud = group_of_three
    Person.objects.filter(pk=jonas.pk).update(language="da")
    report = MisuseReport.objects.create(
        group=group_of(mette),
        what_happened="Adverts",
        reporter_email=mette.email,
        language="en",
    )
    membership = Membership.objects.get(person=jonas, left_at=None)
    client.force_login(secretariat)
    before = latest_list(group_of(mette)).version
    mailoutbox.clear()

    with after_commit():
        response = client.post(
            reverse("admin:misuse_suspension_add"),
            {"report": report.pk, "membership": membership.pk, "note": "Adverts, twice."},
        )
    assert response.status_code == 302
    send_lists()

    new_list = latest_list(group_of(mette))
    assert new_list.version == before + 1
    assert [entry["full_name"] for entry in new_list.entries] == ["Aud Hansen", "Mette Holm"]
    assert {tuple(mail.recipients) for mail in list_emails(mailoutbox)} == {
        (mette.email,),
        (aud.email,),
    }
    [notice] = [mail for mail in mailoutbox if mail.to == [jonas.email]]
    assert (
        notice.subject
        == "Dine oplysninger er foreløbig ikke på listen for gruppen Alström syndrome"
    )
    everything_to_the_reporter = " ".join(
        mail.subject + mail.body for mail in mailoutbox if mail.to == [mette.email]
    )
    assert "suspend" not in everything_to_the_reporter.lower()
    report.refresh_from_db()
    assert report.status == MisuseReport.Status.IN_PROGRESS
    assert list(report.events.values_list("action", flat=True)) == [
        ReportEvent.Action.SUSPENDED,
        ReportEvent.Action.STATUS,
    ]
    mailoutbox.clear()

    suspension = Suspension.objects.get()
    with after_commit():
        client.post(
            reverse("admin:misuse_suspension_changelist"),
            {"action": "lift", "_selected_action": [suspension.pk]},
        )
    send_lists()

    restored = latest_list(group_of(mette))
    assert [entry["full_name"] for entry in restored.entries] == [
        "Aud Hansen",
        "Jonas Berg",
        "Mette Holm",
    ]
    assert [mail.recipients for mail in list_emails(mailoutbox, to=jonas.email)] == [[jonas.email]]
    assert ContactList.objects.filter(group=group_of(mette)).count() == before + 2


def test_a_suspended_member_does_not_see_the_list_on_their_page(
    group_of_three, secretariat, sign_in
):
    mette, jonas, _aud = group_of_three
    report = MisuseReport.objects.create(
        group=group_of(mette), what_happened="Adverts", reporter_email=mette.email, language="en"
    )
    services.suspend(report, Membership.objects.get(person=jonas, left_at=None), by=secretariat)

    page = sign_in(jonas).get(reverse("selfservice:membership")).content.decode()

    assert "Mette Holm" not in page
    assert "Alström syndrome" in page
